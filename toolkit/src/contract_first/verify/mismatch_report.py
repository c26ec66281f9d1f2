"""Turn the verifier's results, and what the provider really answered, into sentences.

The verifier's own headline is ``RuntimeError: Failed to execute verifier``; the facts are in
its results document. Each mismatch becomes one line naming the consumer (with its version
when the pact came from a broker), the field or status, the interaction, and what the
provider returned, e.g. ``notification-service expects body.name (string) in 'a request for
user 123'; user-service returned keys email, id, username``. Two checks the core verifier
leaves open are added here from the recorded answers: an unexpected redirect, and a value
under a regex matcher that is not a string.
"""

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from contract_first.pact_file import HttpInteraction, PactFile
from contract_first.verify.exchange_recorder import Exchange

_MISSING_KEYS = re.compile(r"Actual map is missing the following keys: (?P<keys>.+)")
_STEP = re.compile(r"\.(?P<name>[^.\[\]]+)|\['(?P<quoted>[^']*)'\]|\[(?P<index>\*|\d+)\]")
_MATCHER_WORDS = {
    "integer": "integer",
    "decimal": "decimal",
    "number": "number",
    "boolean": "boolean",
}
_ORDER = {"status": 0, "redirect": 0, "header": 1, "body": 2, "other": 3}


@dataclass(frozen=True)
class InteractionOutcome:
    """One replayed interaction: whose pact, whether it held, and why not in plain words."""

    pact: PactFile
    description: str
    reasons: tuple[str, ...]
    pending: bool

    @property
    def passed(self) -> bool:
        """Whether the provider honoured this interaction."""
        return not self.reasons

    @property
    def consumer(self) -> str:
        """The consumer, with version and branch when its pact came from a broker."""
        return self.pact.who()


def judge(
    results: Mapping[str, Any],
    provider: str,
    pacts: Sequence[PactFile],
    exchanges: Sequence[Exchange],
) -> list[InteractionOutcome]:
    """Every interaction the verifier replayed, in its order, with reasons for each failure."""
    outcomes = []
    unused = list(exchanges)
    for result, pact in _attributed(results.get("interactionResults", ()), pacts):
        description = str(result.get("description", "?"))
        raw = pact.interaction(description) or {}
        http = next((i for i in pact.http_interactions if i.description == description), None)
        exchange = _take_exchange(unused, http) if http else None
        who = pact.who()
        reasons: list[tuple[str, str]] = []
        if result.get("result") != "OK":
            reasons += _mismatch_reasons(result, who, description, provider, raw, exchange)
        if http is not None and exchange is not None and not exchange.redirected:
            reasons += _regex_reasons(http, exchange, who, description, provider)
        ordered = tuple(text for _, text in sorted(reasons, key=lambda r: _ORDER[r[0]]))
        pending = bool(result.get("pending")) or pact.pending
        outcomes.append(
            InteractionOutcome(pact, description, tuple(dict.fromkeys(ordered)), pending)
        )
    return outcomes


def _attributed(
    results: Sequence[Mapping[str, Any]], pacts: Sequence[PactFile]
) -> Iterator[tuple[Mapping[str, Any], PactFile]]:
    """Pair each result with its pact: the verifier replays pacts in order, one after another.

    Two pacts from one consumer (its main branch and what is deployed, say) share descriptions,
    so a result is matched to the pact whose turn it is, not to the first with that name.
    """
    position = 0
    for pact in pacts:
        window = results[position : position + len(pact.interactions)]
        if not window or not all(_belongs(result, pact) for result in window):
            break
        position += len(window)
        yield from ((result, pact) for result in window)
    for result in results[position:]:  # out of step: fall back to consumer and description
        owner = next((p for p in pacts if _belongs(result, p)), None)
        if owner is not None:
            yield result, owner


def _belongs(result: Mapping[str, Any], pact: PactFile) -> bool:
    return result.get("consumer", pact.consumer) == pact.consumer and (
        pact.interaction(str(result.get("description"))) is not None
    )


def _take_exchange(unused: list[Exchange], interaction: HttpInteraction) -> Exchange | None:
    """The first unclaimed answer to this interaction's request, in the order they came."""
    for index, exchange in enumerate(unused):
        if exchange.key == interaction.request_key:
            return unused.pop(index)
    return None


def _mismatch_reasons(
    result: Mapping[str, Any],
    who: str,
    description: str,
    provider: str,
    interaction: Mapping[str, Any],
    exchange: Exchange | None,
) -> list[tuple[str, str]]:
    mismatch = result.get("mismatch") or {}
    if mismatch.get("type") != "mismatches":
        said = mismatch.get("message", "no reason given by the verifier")
        return [("other", f"{provider} could not be verified for {who} in {description!r}: {said}")]
    return [
        _describe(m, who, description, provider, interaction, exchange)
        for m in mismatch.get("mismatches", ())
    ]


def _describe(
    mismatch: Mapping[str, Any],
    who: str,
    description: str,
    provider: str,
    interaction: Mapping[str, Any],
    exchange: Exchange | None,
) -> tuple[str, str]:
    kind = mismatch.get("type")
    where = f"in {description!r}"
    if kind == "StatusMismatch":
        if exchange is not None and exchange.redirected:
            return (
                "redirect",
                f"{who} expects status {mismatch.get('expected')} {where}; {provider} redirected "
                f"with {exchange.status} to {exchange.location or '(no Location)'}, which the "
                "consumer's client does not follow",
            )
        return (
            "status",
            f"{who} expects status {mismatch.get('expected')} {where}; "
            f"{provider} returned {mismatch.get('actual')}",
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
            return (
                "body",
                f"{who} expects {expectations} {where}; {provider} returned keys {returned}",
            )
        return (
            "body",
            f"{who} expects {_body_path(path)} {where} to hold: "
            f"{mismatch.get('mismatch')}; {provider} returned {mismatch.get('actual')}",
        )
    if kind == "HeaderMismatch":
        return (
            "header",
            f"{who} expects header {mismatch.get('key')!r} {where}: {mismatch.get('mismatch')}",
        )
    return ("other", f"{who} {where}: {mismatch.get('mismatch') or json.dumps(dict(mismatch))}")


def _regex_reasons(
    interaction: HttpInteraction, exchange: Exchange, who: str, description: str, provider: str
) -> list[tuple[str, str]]:
    """A regex matcher promises a string; the core verifier matches it against any JSON text."""
    if not interaction.regex_rules:
        return []
    try:
        body = json.loads(exchange.body)
    except ValueError:
        return []  # not JSON: the verifier's body comparison reports that itself
    reasons = []
    for path, regex in interaction.regex_rules:
        for shown, value in _values_at(body, path):
            if not isinstance(value, str):
                reasons.append(
                    (
                        "body",
                        f"{who} expects {_body_path(shown)} (string matching {regex}) in "
                        f"{description!r}; {provider} returned {json.dumps(value)} "
                        f"({_json_type(value)})",
                    )
                )
    return reasons


def _values_at(body: object, path: str) -> list[tuple[str, object]]:
    """Every value a JSON path (``$.a.b``, ``$.items[*].c``) selects, with its concrete path."""
    found: list[tuple[str, object]] = [("$", body)]
    position = 1 if path.startswith("$") else 0
    while position < len(path):
        step = _STEP.match(path, position)
        if step is None:
            return []
        position = step.end()
        name = step.group("name") if step.group("name") is not None else step.group("quoted")
        index = step.group("index")
        following: list[tuple[str, object]] = []
        for shown, value in found:
            if name == "*" and isinstance(value, Mapping):
                following += [(f"{shown}.{k}", v) for k, v in value.items()]
            elif name is not None and isinstance(value, Mapping) and name in value:
                following.append((f"{shown}.{name}", value[name]))
            elif index == "*" and isinstance(value, list):
                following += [(f"{shown}[{i}]", v) for i, v in enumerate(value)]
            elif index is not None and index.isdigit() and isinstance(value, list):
                following += [(f"{shown}[{index}]", v) for v in value[int(index) : int(index) + 1]]
        found = following
    return found


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
    """What the consumer's pact says the field must be: its matcher, else its example's type.

    The verifier names a concrete element (``$.items[0].name``); the pact's rule may name
    every element (``$.items[*].name``), so both spellings are looked up.
    """
    response = interaction.get("response", {})
    field_path = f"{path}.{key}"
    body_rules = (response.get("matchingRules") or {}).get("body", {})
    any_element = re.sub(r"\[\d+\]", "[*]", field_path)
    rules = body_rules.get(field_path) or body_rules.get(any_element) or {}
    for rule in rules.get("matchers", ()):
        match = rule.get("match")
        if match == "regex":
            return f"string matching {rule.get('regex')}"
        if match in _MATCHER_WORDS:
            return _MATCHER_WORDS[match]
    body = response.get("body")
    if isinstance(body, Mapping) and "content" in body:  # V4 wraps the body
        body = body["content"]
    examples = _values_at(body, field_path) or _values_at(
        body, re.sub(r"\[\d+\]", "[0]", field_path)
    )
    return _json_type(examples[0][1]) if examples else "any value"


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
    return "null" if value is None else "any value"
