"""What a release verb checks on the broker before the official CLI runs, each with its fix.

The official CLI words these failures as the broker's raw errors (``❌ ❌ Environment staging
does not exist``, a 404 on a version URL). Asking first lets each be one line that names what
is missing, what the broker has instead, and the verb that fixes it.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from contract_first.config import Role
from contract_first.errors import UsageError
from contract_first.release.broker_connection import BrokerConnection, BrokerConnectionError
from contract_first.release.verb_hints import command_line, verb

LISTED_AT_MOST = 12


@dataclass(frozen=True)
class BrokerPacticipant:
    """A pacticipant as the broker lists it."""

    name: str
    latest_version: str | None


def _segment(text: str) -> str:
    return quote(text, safe="")


def _get(connection: BrokerConnection, path: str) -> httpx.Response:
    try:
        with connection.client() as client:
            response = client.get(path)
    except httpx.TransportError as error:
        raise BrokerConnectionError(
            f"lost the Pact Broker at {connection.base_url} ({type(error).__name__}) "
            f"while asking for {path}: check that it still runs"
        ) from error
    if response.status_code not in {200, 404}:
        raise BrokerConnectionError(
            f"the Pact Broker at {connection.base_url} answered GET {path} with "
            f"{response.status_code}"
        )
    return response


def _embedded(response: httpx.Response, key: str) -> list[dict[str, Any]]:
    try:
        items = response.json().get("_embedded", {}).get(key, [])
    except (ValueError, AttributeError):
        return []
    return [item for item in items if isinstance(item, dict)]


def environment_names(connection: BrokerConnection) -> list[str]:
    """The names of the broker's deployment environments."""
    listing = _get(connection, "/environments")
    return sorted(
        str(item["name"]) for item in _embedded(listing, "environments") if "name" in item
    )


def pacticipants(connection: BrokerConnection) -> list[BrokerPacticipant]:
    """Every pacticipant the broker knows, with its latest version."""
    listing = _get(connection, "/pacticipants")
    found = []
    for item in _embedded(listing, "pacticipants"):
        latest = item.get("_embedded", {}).get("latestVersion") or {}
        number = latest.get("number") if isinstance(latest, dict) else None
        found.append(BrokerPacticipant(str(item.get("name")), str(number) if number else None))
    return sorted(found, key=lambda pacticipant: pacticipant.name)


def require_environment(connection: BrokerConnection, name: str) -> None:
    """Raise with ``create-environment`` as the fix when the broker lacks the environment."""
    names = environment_names(connection)
    if name in names:
        return
    flags = ("--production",) if name in {"production", "prod"} else ()
    has = f"it has {', '.join(names)}" if names else "it has none yet"
    raise UsageError(
        f"environment {name!r} does not exist on the Pact Broker at {connection.base_url} "
        f"({has}): create it with {verb('create-environment', name, *flags)}"
    )


def _how_to_appear(role: Role) -> str:
    if role == "consumer":
        return f"publish its pacts first ({verb('publish')})"
    return f"publish a pact that names it first ({verb('publish')} in a consumer)"


def require_pacticipant(connection: BrokerConnection, name: str, role: Role) -> BrokerPacticipant:
    """The pacticipant as the broker knows it; raise listing the ones it has when it has not."""
    known = pacticipants(connection)
    for pacticipant in known:
        if pacticipant.name == name:
            return pacticipant
    names = [pacticipant.name for pacticipant in known]
    listed = ", ".join(names[:LISTED_AT_MOST]) or "none yet"
    if len(names) > LISTED_AT_MOST:
        listed += f" and {len(names) - LISTED_AT_MOST} more"
    raise UsageError(
        f"{name} is not on the Pact Broker at {connection.base_url} (pacticipants there: "
        f"{listed}): {_how_to_appear(role)}"
    )


def require_version(
    connection: BrokerConnection, pacticipant: BrokerPacticipant, version: str, role: Role
) -> None:
    """Raise with how to publish it (or which version to ask about) when the broker lacks it."""
    path = f"/pacticipants/{_segment(pacticipant.name)}/versions/{_segment(version)}"
    if _get(connection, path).status_code == 200:
        return
    if role == "consumer":
        publish = f"publish its pacts from this commit ({verb('publish')})"
    else:
        publish = (
            "verify it from this commit with results published "
            f"(`CI=true {command_line('verify')}`)"
        )
    if "+dirty." in version:
        publish = f"commit your changes (a tree with edits is a version of its own), then {publish}"
    latest = (
        f", or pass --version {pacticipant.latest_version} (its latest)"
        if pacticipant.latest_version
        else ""
    )
    raise UsageError(
        f"{pacticipant.name} version {version} is not on the Pact Broker at "
        f"{connection.base_url}: {publish}{latest}"
    )
