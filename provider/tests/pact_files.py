"""Reading consumers' pacts before verification, to refuse runs that would prove nothing.

Pacts come from disk (``pacts/``), from a Pact Broker (pacts for verification), or from one
URL (a webhook-triggered build). Either way they are read first, so a run with no pact, no
interaction or an unhandled provider state fails before anything is replayed.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from broker_connection import BrokerConnection, BrokerConnectionError


class PactSetupError(AssertionError):
    """The verification cannot start: no pacts, no interactions, or states nobody handles."""


@dataclass(frozen=True)
class PactFile:
    """One consumer's pact with the provider, and where it was read from."""

    source: str
    consumer: str
    provider: str
    interactions: tuple[dict[str, Any], ...]
    pending: bool = False

    def interaction(self, description: str) -> dict[str, Any] | None:
        """The interaction with this description, if the pact has one."""
        return next((i for i in self.interactions if i.get("description") == description), None)


def load_pacts_for(provider: str, directory: Path) -> list[PactFile]:
    """Every pact in ``directory`` whose provider is ``provider``; raise if there is none."""
    if not directory.is_dir():
        raise PactSetupError(
            f"no pact directory at {directory}: run `just pact` to write the consumers' pacts"
        )
    found: list[PactFile] = []
    others: list[str] = []
    for path in sorted(directory.glob("*.json")):
        pact = _read_file(path)
        if pact.provider == provider:
            found.append(pact)
        else:
            others.append(f"{path.name} (provider {pact.provider!r})")
    if not found:
        seen = "; other pacts there: " + ", ".join(others) if others else ""
        raise PactSetupError(
            f"no pact for provider {provider!r} in {directory}{seen}. "
            "A verification of nothing is not a pass: run `just pact` first."
        )
    return _with_interactions(found, provider)


def fetch_pacts_for_verification(
    connection: BrokerConnection, provider: str, request: Mapping[str, Any]
) -> list[PactFile]:
    """The pacts the broker says ``provider`` must verify for this selector ``request``."""
    with connection.client() as client:
        index = connection.check_reachable()
        template = _link(index, "pb:provider-pacts-for-verification", connection.base_url)
        response = client.post(template.replace("{provider}", provider), json=dict(request))
        if response.status_code == 404:
            raise PactSetupError(
                f"the broker at {connection.base_url} does not know {provider!r}: "
                "no consumer has published a pact for it yet (run `just publish`)"
            )
        _raise_for_status(response, "asking for pacts for verification")
        listed = response.json().get("_embedded", {}).get("pacts", [])
        if not listed:
            raise PactSetupError(
                f"the broker at {connection.base_url} has no pact for {provider!r} that matches "
                f"the selectors {json.dumps(request.get('consumerVersionSelectors'))}. "
                "A verification of nothing is not a pass: publish the consumer's pact first."
            )
        pacts = [
            _read_document(
                str(entry["_links"]["self"]["href"]),
                _get_json(client, str(entry["_links"]["self"]["href"])),
                pending=bool(entry.get("verificationProperties", {}).get("pending")),
            )
            for entry in listed
        ]
    return _with_interactions(pacts, provider)


def fetch_pact(url: str, connection: BrokerConnection | None, provider: str) -> list[PactFile]:
    """The one pact at ``url`` (what a webhook-triggered build verifies)."""
    client = connection.client() if connection else httpx.Client(timeout=10.0)
    with client:
        try:
            document = _get_json(client, url)
        except httpx.TransportError as error:
            raise PactSetupError(f"cannot fetch the pact at {url}: {error!r}") from error
    pact = _read_document(url, document)
    if pact.provider != provider:
        raise PactSetupError(
            f"the pact at {url} is for provider {pact.provider!r}, not {provider!r}"
        )
    return _with_interactions([pact], provider)


def _with_interactions(pacts: list[PactFile], provider: str) -> list[PactFile]:
    empty = [p.source for p in pacts if not p.interactions]
    if empty:
        raise PactSetupError(
            f"pacts with no interactions for {provider!r}: {', '.join(empty)}. "
            "The consumer tests wrote an empty contract; check that they ran."
        )
    return pacts


def _link(index: Mapping[str, Any], relation: str, base_url: str) -> str:
    try:
        return str(index["_links"][relation]["href"])
    except (KeyError, TypeError):
        raise BrokerConnectionError(
            f"the broker at {base_url} has no {relation!r} link in its index: is it a Pact Broker?"
        ) from None


def _get_json(client: httpx.Client, url: str) -> Any:
    response = client.get(url)
    _raise_for_status(response, f"fetching {url}")
    return response.json()


def _raise_for_status(response: httpx.Response, doing: str) -> None:
    if response.status_code in {401, 403}:
        raise BrokerConnectionError(
            f"the broker refused the credentials while {doing} ({response.status_code}): check "
            "PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/PACT_BROKER_PASSWORD"
        )
    if not response.is_success:
        raise PactSetupError(f"the broker answered {response.status_code} while {doing}")


def _read_file(path: Path) -> PactFile:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PactSetupError(f"{path} is not a readable pact file: {error!r}") from error
    return _read_document(str(path), document)


def _read_document(source: str, document: Any, *, pending: bool = False) -> PactFile:
    try:
        return PactFile(
            source=source,
            consumer=str(document["consumer"]["name"]),
            provider=str(document["provider"]["name"]),
            interactions=tuple(document.get("interactions", ())),
            pending=pending,
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise PactSetupError(f"{source} is not a pact: {error!r} is missing") from error


def state_names(interaction: dict[str, Any]) -> list[str]:
    """The provider states an interaction is given, in V2 (``providerState``) or V3+ form."""
    states = [str(s["name"]) for s in interaction.get("providerStates", ()) if "name" in s]
    if "providerState" in interaction:
        states.append(str(interaction["providerState"]))
    return states


def check_states_handled(pacts: Iterable[PactFile], handled: Iterable[str]) -> None:
    """Raise, listing every state with no handler and who needs it, before anything replays."""
    known = set(handled)
    missing: dict[str, list[str]] = {}
    for pact in pacts:
        for interaction in pact.interactions:
            for state in state_names(interaction):
                if state not in known:
                    user = f"{pact.consumer}: {interaction.get('description')!r}"
                    missing.setdefault(state, []).append(user)
    if missing:
        lines = [
            f"  - {state!r} (needed by {'; '.join(users)})" for state, users in missing.items()
        ]
        raise PactSetupError(
            "provider states named in the pacts have no handler:\n"
            + "\n".join(lines)
            + f"\nhandled states: {', '.join(sorted(known)) or 'none'}. "
            "Add a handler to provider/tests/provider_states.py."
        )
