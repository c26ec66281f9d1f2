"""The one pact reader: pact files (spec V2, V3 or V4) from disk, a broker or a URL.

Pact versions differ in where things live: V4 wraps bodies as ``{"content", "contentType"}``,
V2 keeps query strings unparsed and puts body matchers under ``$.body``. Reading them here
means neither verification nor the gates ever ask which version they are looking at.
"""

import base64
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from contract_first.errors import UsageError

# A path into a JSON body: property names, and ``None`` for "any element of this array".
FieldPath = tuple[str | None, ...]

_JSONPATH_STEP = re.compile(r"\.(?P<name>[^.\[\]]+)|\['(?P<quoted>[^']*)'\]|\[(?P<index>\*|\d+)\]")
_NO_BODY = object()


class PactInputError(UsageError):
    """A pact file or directory that cannot be read as pacts; the message says which and why."""


@dataclass(frozen=True)
class HttpInteraction:
    """One request/response pair a consumer expects, with its body already decoded."""

    consumer: str
    provider: str
    description: str
    method: str
    path: str
    query: dict[str, list[str]]
    request_headers: dict[str, str]
    request_body: object
    request_content_type: str | None
    status: int
    response_body: object
    response_content_type: str | None
    matched_paths: tuple[FieldPath, ...] = field(default=())
    regex_rules: tuple[tuple[str, str], ...] = field(default=())  # (JSON path, regex) on the body

    @property
    def request_key(self) -> tuple[str, str]:
        """``(METHOD, path?query)``: how a request recorded at the provider is matched to this."""
        return request_key(self.method, self.path, self.query)

    @property
    def has_request_body(self) -> bool:
        """Whether the consumer sends a body at all."""
        return self.request_body is not _NO_BODY

    @property
    def has_response_body(self) -> bool:
        """Whether the consumer expects a body at all."""
        return self.response_body is not _NO_BODY


@dataclass(frozen=True)
class BrokerOrigin:
    """Where a broker's pact came from: the consumer version, its branches, why it was chosen."""

    consumer_version: str | None = None
    branches: tuple[str, ...] = ()
    selected_because: str | None = None

    def label(self) -> str:
        """``1a2b3c4 on main`` or ``1a2b3c4 (deployed to production)``."""
        version = (self.consumer_version or "?")[:12]
        if self.branches:
            return f"{version} on {', '.join(self.branches)}"
        return f"{version} ({self.selected_because})" if self.selected_because else version


@dataclass(frozen=True)
class PactFile:
    """One consumer's pact with one provider: its raw interactions and its HTTP ones, read."""

    source: str
    consumer: str
    provider: str
    interactions: tuple[dict[str, Any], ...]
    http_interactions: tuple[HttpInteraction, ...]
    pending: bool = False
    origin: BrokerOrigin | None = None

    @property
    def skipped(self) -> int:
        """Interactions that are not synchronous HTTP (messages): the HTTP gates skip them."""
        return len(self.interactions) - len(self.http_interactions)

    def interaction(self, description: str) -> dict[str, Any] | None:
        """The raw interaction with this description, if the pact has one."""
        return next((i for i in self.interactions if i.get("description") == description), None)

    def who(self) -> str:
        """The consumer, with its version and branch when the pact came from a broker."""
        return f"{self.consumer} {self.origin.label()}" if self.origin else self.consumer


def request_key(method: str, path: str, query: Mapping[str, list[str]]) -> tuple[str, str]:
    """A request's method and target with its query sorted, so order never decides a match."""
    pairs = sorted((name, value) for name, values in query.items() for value in values)
    target = path + ("?" + "&".join(f"{name}={value}" for name, value in pairs) if pairs else "")
    return method.upper(), target


def pact_paths(source: Path) -> list[Path]:
    """The pact files at ``source``: the file itself, or every ``*.json`` in the directory."""
    if source.is_file():
        return [source]
    if source.is_dir():
        found = sorted(source.glob("*.json"))
        if not found:
            raise PactInputError(f"no pact files (*.json) in {source}: write the pacts first")
        return found
    raise PactInputError(f"no pact file or directory at {source}: write the pacts first")


def read_pact(path: Path) -> PactFile:
    """Parse one pact file; raise ``PactInputError`` naming the file when it is not a pact."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PactInputError(f"{path} is not readable JSON: {error}") from error
    return parse_pact(str(path), document)


def parse_pact(
    source: str,
    document: object,
    *,
    pending: bool = False,
    origin: BrokerOrigin | None = None,
) -> PactFile:
    """Read a pact document already parsed from JSON; ``source`` names it in messages."""
    try:
        if not isinstance(document, Mapping):
            raise PactInputError(f"{source} is not a pact file: it is not a JSON object")
        consumer = str(document["consumer"]["name"])
        provider = str(document["provider"]["name"])
        raw = [dict(item) for item in document.get("interactions", ())]
        version = _major_version(document)
        interactions = [
            _interaction(item, consumer, provider, version)
            for item in raw
            if item.get("type", "Synchronous/HTTP") == "Synchronous/HTTP"
        ]
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise PactInputError(f"{source} is not a pact file: {error!r}") from error
    return PactFile(
        source=source,
        consumer=consumer,
        provider=provider,
        interactions=tuple(raw),
        http_interactions=tuple(interactions),
        pending=pending,
        origin=origin,
    )


def state_names(interaction: Mapping[str, Any]) -> list[str]:
    """The provider states an interaction is given, in V2 (``providerState``) or V3+ form."""
    states = [str(s["name"]) for s in interaction.get("providerStates", ()) if "name" in s]
    if "providerState" in interaction:
        states.append(str(interaction["providerState"]))
    return states


def _major_version(document: Mapping[str, Any]) -> int:
    metadata = document.get("metadata", {})
    spec = metadata.get("pactSpecification") or metadata.get("pact-specification") or {}
    return int(str(spec.get("version", "2")).split(".")[0])


def _interaction(
    item: dict[str, Any], consumer: str, provider: str, version: int
) -> HttpInteraction:
    request, response = item["request"], item["response"]
    request_headers = _headers(request.get("headers"))
    response_headers = _headers(response.get("headers"))
    request_body, request_type = _body(request, request_headers, version)
    response_body, response_type = _body(response, response_headers, version)
    return HttpInteraction(
        consumer=consumer,
        provider=provider,
        description=str(item["description"]),
        method=str(request["method"]).upper(),
        path=str(request["path"]),
        query=_query(request.get("query")),
        request_headers=request_headers,
        request_body=request_body,
        request_content_type=request_type,
        status=int(response.get("status", 200)),
        response_body=response_body,
        response_content_type=response_type,
        matched_paths=_matched_paths(response.get("matchingRules") or {}, version),
        regex_rules=_regex_rules(response.get("matchingRules") or {}, version),
    )


def _headers(raw: object) -> dict[str, str]:
    """Header names lower-cased; V4 lists of values joined the way HTTP would."""
    if not isinstance(raw, dict):
        return {}
    return {
        str(name).lower(): ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        for name, value in raw.items()
    }


def _query(raw: object) -> dict[str, list[str]]:
    if isinstance(raw, str):  # V2: an unparsed query string
        return parse_qs(raw, keep_blank_values=True)
    if isinstance(raw, dict):
        return {
            str(name): [str(v) for v in value] if isinstance(value, list) else [str(value)]
            for name, value in raw.items()
        }
    return {}


def _body(part: dict[str, Any], headers: dict[str, str], version: int) -> tuple[object, str | None]:
    """The decoded body and its content type, or ``_NO_BODY`` when there is none."""
    content_type = headers.get("content-type")
    if "body" not in part or part["body"] is None:
        return _NO_BODY, content_type
    body = part["body"]
    if version < 4:
        return body, content_type or ("application/json" if not isinstance(body, str) else None)
    if not isinstance(body, dict) or "content" not in body:
        return _NO_BODY, content_type
    content_type = str(body.get("contentType") or content_type or "") or None
    content, encoded = body["content"], body.get("encoded", False)
    if isinstance(encoded, str) and encoded.lower() == "base64":
        content = base64.b64decode(content).decode("utf-8")
        encoded = "json" if _is_json(content_type) else False
    if isinstance(encoded, str) and encoded.lower() == "json" and isinstance(content, str):
        content = json.loads(content)
    return content, content_type


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _matched_paths(rules: dict[str, Any], version: int) -> tuple[FieldPath, ...]:
    """Body paths the consumer put matchers on: relied on even where the example omits them."""
    if version >= 3:
        keys = list((rules.get("body") or {}).keys())
    else:  # V2: "$.body.name" next to "$.headers..."
        keys = ["$" + key.removeprefix("$.body") for key in rules if key.startswith("$.body")]
    return tuple(sorted({parse_field_path(key) for key in keys}, key=str))


def _regex_rules(rules: dict[str, Any], version: int) -> tuple[tuple[str, str], ...]:
    """Every regex matcher on the response body, as ``(JSON path, regex)``."""
    if version >= 3:
        body = rules.get("body") or {}
        entries = [(key, value.get("matchers", ())) for key, value in body.items()]
    else:
        entries = [
            ("$" + key.removeprefix("$.body"), [value])
            for key, value in rules.items()
            if key.startswith("$.body")
        ]
    return tuple(
        (path, str(matcher["regex"]))
        for path, matchers in entries
        for matcher in matchers
        if isinstance(matcher, Mapping) and matcher.get("match") == "regex" and "regex" in matcher
    )


def parse_field_path(expression: str) -> FieldPath:
    """``$.items[*].name`` as ``("items", None, "name")``; stops at a ``*`` property wildcard."""
    steps: list[str | None] = []
    position = 1 if expression.startswith("$") else 0
    while position < len(expression):
        step = _JSONPATH_STEP.match(expression, position)
        if step is None:
            break
        position = step.end()
        name = step.group("name") if step.group("name") is not None else step.group("quoted")
        if name == "*":
            break  # any property: no single field to name
        steps.append(name)  # None for an array index or [*]
    return tuple(steps)


def example_paths(body: object, prefix: FieldPath = ()) -> set[FieldPath]:
    """Every field path in an example body: what the consumer's example shows it expects."""
    paths: set[FieldPath] = set()
    if isinstance(body, dict):
        for key, value in body.items():
            paths.add((*prefix, str(key)))
            paths |= example_paths(value, (*prefix, str(key)))
    elif isinstance(body, list):
        for value in body:
            paths |= example_paths(value, (*prefix, None))
    return paths


def format_field_path(path: FieldPath) -> str:
    """``("items", None, "name")`` as ``$.items[*].name``."""
    return "$" + "".join("[*]" if step is None else f".{step}" for step in path)
