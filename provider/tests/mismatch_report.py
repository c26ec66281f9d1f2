"""Turn the Pact verifier's JSON results into sentences a person can act on.

The verifier's own headline is ``RuntimeError: Failed to execute verifier``; the facts are in
its results document. Each mismatch becomes one line naming the consumer, the field and the
interaction, e.g. ``notification-service expects body.name (string) in 'a request for user
123'; user-service returned keys email, id, username``.
"""

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pact_files import PactFile

_MISSING_KEYS = re.compile(r"Actual map is missing the following keys: (?P<keys>.+)")
_MATCHER_WORDS = {
    "integer": "integer",
    "decimal": "decimal",
    "number": "number",
    "boolean": "boolean",
}

InteractionLookup = Callable[[str, str], Mapping[str, Any] | None]


@dataclass(frozen=True)
class InteractionFailure:
    """One interaction that did not verify, and the plain-words reasons."""

    consumer: str
    description: str
    reasons: tuple[str, ...]
    pending: bool


def lookup_in(pacts: list[PactFile]) -> InteractionLookup:
    """Find an interaction by consumer and description in pacts read from disk."""

    def find(consumer: str, description: str) -> Mapping[str, Any] | None:
        for pact in pacts:
            if pact.consumer == consumer and (found := pact.interaction(description)):
                return found
        return None

    return find


def failures_from(
    results: Mapping[str, Any], provider: str, lookup: InteractionLookup
) -> list[InteractionFailure]:
    """Every failed interaction in the verifier's results, with its reasons in plain words."""
    failures = []
    for result in results.get("interactionResults", ()):
        if result.get("result") == "OK":
            continue
        consumer = str(result.get("consumer", "a consumer"))
        description = str(result.get("description", "?"))
        interaction = lookup(consumer, description) or {}
        mismatch = result.get("mismatch") or {}
        if mismatch.get("type") == "mismatches":
            reasons = tuple(
                _describe(m, consumer, description, provider, interaction)
                for m in mismatch.get("mismatches", ())
            )
        else:
            reasons = (
                f"{provider} could not be verified for {consumer} in {description!r}: "
                f"{mismatch.get('message', 'no reason given by the verifier')}",
            )
        failures.append(
            InteractionFailure(consumer, description, reasons, bool(result.get("pending")))
        )
    return failures


def _describe(
    mismatch: Mapping[str, Any],
    consumer: str,
    description: str,
    provider: str,
    interaction: Mapping[str, Any],
) -> str:
    kind = mismatch.get("type")
    where = f"in {description!r}"
    if kind == "StatusMismatch":
        return (
            f"{consumer} expects status {mismatch.get('expected')} {where}; "
            f"{provider} returned {mismatch.get('actual')}"
        )
    if kind == "BodyMismatch":
        path = str(mismatch.get("path", "$"))
        missing = _MISSING_KEYS.match(str(mismatch.get("mismatch", "")))
        if missing:
            returned = ", ".join(sorted(_json_list(mismatch.get("actual"))))
            fields = [key.strip() for key in missing.group("keys").split(",")]
            expectations = ", ".join(
                f"{_body_path(path, key)} ({_expected_kind(interaction, path, key)})"
                for key in fields
            )
            return f"{consumer} expects {expectations} {where}; {provider} returned keys {returned}"
        return (
            f"{consumer} expects {_body_path(path)} {where} to hold: "
            f"{mismatch.get('mismatch')}; {provider} returned {mismatch.get('actual')}"
        )
    if kind == "HeaderMismatch":
        return (
            f"{consumer} expects header {mismatch.get('key')!r} {where}: {mismatch.get('mismatch')}"
        )
    return f"{consumer} {where}: {mismatch.get('mismatch') or json.dumps(dict(mismatch))}"


def _body_path(path: str, key: str | None = None) -> str:
    dotted = "body" + path.removeprefix("$")
    return f"{dotted}.{key}" if key else dotted


def _json_list(text: object) -> list[str]:
    try:
        value = json.loads(str(text))
    except ValueError:
        return [str(text)]
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _expected_kind(interaction: Mapping[str, Any], path: str, key: str) -> str:
    """What the consumer's pact says the field must be: its matcher, else its example's type."""
    response = interaction.get("response", {})
    field_path = f"{path}.{key}"
    rules = response.get("matchingRules", {}).get("body", {}).get(field_path, {})
    for rule in rules.get("matchers", ()):
        match = rule.get("match")
        if match == "regex":
            return f"string matching {rule.get('regex')}"
        if match in _MATCHER_WORDS:
            return _MATCHER_WORDS[match]
    example = _example_at(response.get("body"), field_path)
    return _json_type(example)


def _example_at(body: object, path: str) -> object:
    if isinstance(body, Mapping) and "content" in body:  # V4 wraps the body
        body = body["content"]
    value = body
    for part in path.removeprefix("$").strip(".").split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return "any value"
