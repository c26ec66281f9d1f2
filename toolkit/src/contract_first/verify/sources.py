"""Where the pacts to verify come from: a folder, a broker's pacts for verification, or one URL.

Each source is read before anything is replayed (see ``preflight``), and each knows how to
hand itself to pact's verifier, so what is checked first is exactly what is replayed.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from pact import Verifier

from contract_first.errors import UsageError
from contract_first.pact_file import BrokerOrigin, PactFile, parse_pact, read_pact
from contract_first.release.broker_connection import (
    BrokerConnection,
    BrokerConnectionError,
    tls_context,
)

# What a provider verifies before merging: the consumers' main line, the consumer branch
# named like the provider's (coordinated changes), and whatever is deployed or released.
DEFAULT_SELECTORS: tuple[Mapping[str, object], ...] = (
    {"mainBranch": True},
    {"matchingBranch": True},
    {"deployedOrReleased": True},
)
_SELECTOR_ARGUMENTS = {
    "mainBranch": "main_branch",
    "matchingBranch": "matching_branch",
    "deployedOrReleased": "deployed_or_released",
    "deployed": "deployed",
    "released": "released",
    "environment": "environment",
    "branch": "branch",
    "fallbackBranch": "fallback_branch",
    "consumer": "consumer",
    "latest": "latest",
    "tag": "tag",
}


@dataclass(frozen=True)
class LocalPacts:
    """Every pact for the provider in a folder (what the consumer tests just wrote)."""

    directory: Path

    def describe(self) -> str:
        """Where the pacts come from, for people."""
        return f"the pacts in {self.directory}"

    def load(self, provider: str) -> list[PactFile]:
        """The pacts in the folder whose provider is ``provider``; raise if there is none."""
        if not self.directory.is_dir():
            raise UsageError(
                f"no pact folder at {self.directory}: run the consumers' pact tests first, "
                "or pass --pacts DIR"
            )
        found: list[PactFile] = []
        others: list[str] = []
        for path in sorted(self.directory.glob("*.json")):
            pact = read_pact(path)
            if pact.provider == provider:
                found.append(pact)
            else:
                others.append(f"{path.name} (provider {pact.provider!r})")
        if not found:
            seen = "; other pacts there: " + ", ".join(others) if others else ""
            raise UsageError(
                f"no pact for provider {provider!r} in {self.directory}{seen}. A verification "
                "of nothing is not a pass: run the consumers' pact tests first"
            )
        return found

    def add_to(self, verifier: Verifier, pacts: Sequence[PactFile]) -> Verifier:
        """Hand the same files to the verifier."""
        for pact in pacts:
            verifier.add_source(pact.source)
        return verifier


@dataclass(frozen=True)
class BrokerPacts:
    """The pacts a broker selects for this provider version: selectors, pending and WIP."""

    connection: BrokerConnection
    provider_branch: str
    include_wip_pacts_since: str | None = None
    selectors: tuple[Mapping[str, object], ...] = DEFAULT_SELECTORS

    def describe(self) -> str:
        """Where the pacts come from, for people."""
        return f"the pacts for verification from {self.connection.base_url}"

    def request(self) -> dict[str, object]:
        """The body of ``POST /pacts/provider/{p}/for-verification`` the verifier sends too."""
        body: dict[str, object] = {
            "consumerVersionSelectors": [dict(selector) for selector in self.selectors],
            "providerVersionBranch": self.provider_branch,
            "includePendingStatus": True,
        }
        if self.include_wip_pacts_since:
            body["includeWipPactsSince"] = self.include_wip_pacts_since
        return body

    def load(self, provider: str) -> list[PactFile]:
        """The pacts the broker says ``provider`` must verify, with who and why for each."""
        request = self.request()
        with self.connection.client() as client:
            index = self.connection.check_reachable()
            template = _link(index, "pb:provider-pacts-for-verification", self.connection.base_url)
            response = _send(client, "POST", template.replace("{provider}", provider), request)
            if response.status_code == 404:
                raise UsageError(
                    f"the broker at {self.connection.base_url} does not know {provider!r}: no "
                    "consumer has published a pact for it yet (publish one first)"
                )
            _raise_for_status(response, "asking for pacts for verification")
            listed = response.json().get("_embedded", {}).get("pacts", [])
            if not listed:
                raise UsageError(
                    f"the broker at {self.connection.base_url} has no pact for {provider!r} "
                    f"that matches the selectors {json.dumps(request['consumerVersionSelectors'])}"
                    ". A verification of nothing is not a pass: publish the consumer's pact first"
                )
            return [_fetch_listed(client, entry) for entry in listed]

    def add_to(self, verifier: Verifier, pacts: Sequence[PactFile]) -> Verifier:
        """The verifier's own broker source, asking the same question ``load`` asked."""
        connection = self.connection
        if connection.token:
            builder = verifier.broker_source(
                connection.base_url, token=connection.token, selector=True, use_env=False
            )
        else:
            builder = verifier.broker_source(
                connection.base_url,
                username=connection.username,
                password=connection.password,
                selector=True,
                use_env=False,
            )
        builder = builder.include_pending().provider_branch(self.provider_branch)
        if self.include_wip_pacts_since:
            builder = builder.include_wip_since(self.include_wip_pacts_since)
        for selector in self.selectors:
            arguments: dict[str, Any] = {
                _SELECTOR_ARGUMENTS[key]: value for key, value in selector.items()
            }
            builder = builder.consumer_version(**arguments)
        return builder.build()


@dataclass(frozen=True)
class PactUrl:
    """Exactly one pact, by URL: what a webhook-triggered build verifies."""

    url: str
    connection: BrokerConnection | None = field(default=None)

    def describe(self) -> str:
        """Where the pact comes from, for people."""
        return f"the pact at {self.url}"

    def load(self, provider: str) -> list[PactFile]:
        """The one pact at the URL; refuse it when it is for another provider."""
        client = (
            self.connection.client()
            if self.connection
            else httpx.Client(timeout=10.0, verify=tls_context())
        )
        with client:
            response = _send(client, "GET", self.url)
            _raise_for_status(response, f"fetching {self.url}")
            pact = _parse_response(self.url, response)
        if pact.provider != provider:
            raise UsageError(
                f"the pact at {self.url} is for provider {pact.provider!r}, not {provider!r}"
            )
        return [pact]

    def add_to(self, verifier: Verifier, pacts: Sequence[PactFile]) -> Verifier:
        """The URL as the verifier's only source, with whichever credentials are set."""
        connection = self.connection
        if connection and connection.token:
            return verifier.add_source(self.url, token=connection.token)
        if connection and connection.username and connection.password:
            return verifier.add_source(
                self.url, username=connection.username, password=connection.password
            )
        return verifier.add_source(self.url)


PactSource = LocalPacts | BrokerPacts | PactUrl


def _fetch_listed(client: httpx.Client, entry: Mapping[str, Any]) -> PactFile:
    href = str(entry["_links"]["self"]["href"])
    response = _send(client, "GET", href)
    _raise_for_status(response, f"fetching {href}")
    document = response.json()
    links = document.get("_links", {}) if isinstance(document, dict) else {}
    version = links.get("pb:consumer-version", {})
    origin = BrokerOrigin(
        consumer_version=str(version["name"]) if "name" in version else None,
        branches=_branches(client, str(version.get("href", ""))),
        selected_because=str(entry.get("shortDescription") or "") or None,
    )
    pending = bool(entry.get("verificationProperties", {}).get("pending"))
    return parse_pact(href, document, pending=pending, origin=origin)


def _branches(client: httpx.Client, version_url: str) -> tuple[str, ...]:
    """The branches a consumer version is on, from its version resource (none if unknown)."""
    if not version_url:
        return ()
    try:
        response = client.get(version_url)
    except httpx.TransportError:
        return ()
    if not response.is_success:
        return ()
    embedded = response.json().get("_embedded", {})
    return tuple(str(b["name"]) for b in embedded.get("branchVersions", ()) if "name" in b)


def _parse_response(source: str, response: httpx.Response) -> PactFile:
    try:
        document = response.json()
    except ValueError as error:
        raise UsageError(f"{source} did not answer with JSON: is it a pact URL?") from error
    return parse_pact(source, document)


def _send(
    client: httpx.Client, method: str, url: str, body: Mapping[str, object] | None = None
) -> httpx.Response:
    try:
        return client.request(method, url, json=dict(body) if body is not None else None)
    except httpx.TransportError as error:
        raise UsageError(
            f"cannot reach {url} ({type(error).__name__}): is the broker running?"
        ) from error


def _link(index: Mapping[str, Any], relation: str, base_url: str) -> str:
    try:
        return str(index["_links"][relation]["href"])
    except (KeyError, TypeError):
        raise UsageError(
            f"the broker at {base_url} has no {relation!r} link in its index: is it a Pact Broker?"
        ) from None


def _raise_for_status(response: httpx.Response, doing: str) -> None:
    if response.status_code in {401, 403}:
        raise BrokerConnectionError(
            f"the broker refused the credentials while {doing} ({response.status_code}): check "
            "PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/PACT_BROKER_PASSWORD"
        )
    if not response.is_success:
        raise UsageError(f"the broker answered {response.status_code} while {doing}")
