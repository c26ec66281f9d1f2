"""A pact document turned into plain, display-ready interactions (pact spec v2, v3 and v4).

Pure and tolerant: a pact the broker accepted may use any spec version or omit any part, and
the page must still render rather than fail on a missing field.
"""

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode


@dataclass(frozen=True)
class ProviderState:
    """A provider state and its parameters, as pretty JSON ("" when it has none)."""

    name: str
    params: str


@dataclass(frozen=True)
class InteractionView:
    """What a reader needs to understand one interaction; every text is unescaped."""

    kind: str
    description: str
    states: tuple[ProviderState, ...]
    method: str
    path: str
    query: str
    request_headers: str
    request_body: str
    status: str
    response_headers: str
    response_body: str
    request_rules: str
    response_rules: str
    message_contents: str
    message_metadata: str
    pending: bool


@dataclass(frozen=True)
class PactView:
    """The pact's parties, specification version and interactions."""

    consumer: str
    provider: str
    specification: str
    interactions: tuple[InteractionView, ...]


def pretty(value: object) -> str:
    """JSON indented for reading; strings stay as they are; absent values become ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False)


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _body(part: dict[str, Any], key: str = "body") -> str:
    body = part.get(key)
    if isinstance(body, dict) and "content" in body and "contentType" in body:
        return pretty(body.get("content"))  # pact v4 body: content plus its media type
    return pretty(body)


def _query(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        pairs = [
            (name, item)
            for name, values in value.items()
            for item in (values if isinstance(values, list) else [values])
        ]
        return urlencode(pairs)
    return ""


def _states(interaction: dict[str, Any]) -> tuple[ProviderState, ...]:
    states = interaction.get("providerStates")
    if isinstance(states, list):
        return tuple(
            ProviderState(str(state.get("name", "")), pretty(state.get("params") or None))
            for state in states
            if isinstance(state, dict)
        )
    legacy = interaction.get("providerState")  # pact v2
    return (ProviderState(str(legacy), ""),) if legacy else ()


def interaction_view(interaction: dict[str, Any]) -> InteractionView:
    """One interaction (HTTP or message) as display text."""
    request = _mapping(interaction.get("request"))
    response = _mapping(interaction.get("response"))
    is_message = not request and not response
    message_contents = interaction.get("contents", interaction.get("content"))
    kind = str(interaction.get("type") or ("Message" if is_message else "Synchronous/HTTP"))
    return InteractionView(
        kind=kind,
        description=str(interaction.get("description", "")),
        states=_states(interaction),
        method=str(request.get("method", "")).upper(),
        path=str(request.get("path", "")),
        query=_query(request.get("query")),
        request_headers=pretty(request.get("headers") or None),
        request_body=_body(request),
        status="" if response.get("status") is None else str(response["status"]),
        response_headers=pretty(response.get("headers") or None),
        response_body=_body(response),
        request_rules=pretty(request.get("matchingRules") or None),
        response_rules=pretty(response.get("matchingRules") or None),
        message_contents=_body({"contents": message_contents}, "contents"),
        message_metadata=pretty(interaction.get("metadata") or None),
        pending=interaction.get("pending") is True,
    )


def pact_view(pact: dict[str, Any]) -> PactView:
    """The whole pact as display text."""
    raw = pact.get("interactions", pact.get("messages"))
    interactions = raw if isinstance(raw, list) else []
    specification = _mapping(_mapping(pact.get("metadata")).get("pactSpecification"))
    return PactView(
        consumer=str(_mapping(pact.get("consumer")).get("name", "")),
        provider=str(_mapping(pact.get("provider")).get("name", "")),
        specification=str(specification.get("version", "")),
        interactions=tuple(interaction_view(i) for i in interactions if isinstance(i, dict)),
    )
