"""Pact documents: validation, content identity (sha) and the change diff shown on a 409."""

import hashlib
import json
from typing import Any


class InvalidPactError(ValueError):
    """The document is not a pact; ``messages`` map a field to what is wrong with it."""

    def __init__(self, messages: dict[str, list[str]]) -> None:
        super().__init__(str(messages))
        self.messages = messages


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def pacticipant_name(pact: dict[str, Any], role: str) -> str | None:
    """The ``consumer.name`` or ``provider.name`` of a pact, if it is a non-blank string."""
    party = pact.get(role)
    name = party.get("name") if isinstance(party, dict) else None
    return name if isinstance(name, str) and name.strip() else None


def validate_pact(pact: object) -> dict[str, Any]:
    """Return the pact if it looks like one (consumer, provider, interactions or messages)."""
    if not isinstance(pact, dict):
        raise InvalidPactError({"pact": ["must be a JSON object"]})
    errors: dict[str, list[str]] = {}
    for role in ("consumer", "provider"):
        if pacticipant_name(pact, role) is None:
            errors[role] = [
                f"was not found at expected path $.{role}.name in the submitted pact file."
            ]
    interactions = pact.get("interactions", pact.get("messages"))
    if interactions is not None and not isinstance(interactions, list):
        errors["interactions"] = ["must be a list"]
    if errors:
        raise InvalidPactError(errors)
    return pact


def without_ids(pact: dict[str, Any]) -> dict[str, Any]:
    """A copy of the pact without the broker-added interaction ``_id`` fields."""
    copy = dict(pact)
    for key in ("interactions", "messages"):
        items = copy.get(key)
        if isinstance(items, list):
            copy[key] = [
                {k: v for k, v in item.items() if k != "_id"} if isinstance(item, dict) else item
                for item in items
            ]
    return copy


def pact_sha(pact: dict[str, Any]) -> str:
    """Content identity: SHA-1 of the canonical JSON, so key order and whitespace don't matter."""
    return hashlib.sha1(_canonical(without_ids(pact)).encode(), usedforsecurity=False).hexdigest()


def with_interaction_ids(pact: dict[str, Any]) -> dict[str, Any]:
    """Add the ``_id`` the official broker gives each interaction (verifiers report it back)."""
    copy = without_ids(pact)
    for key in ("interactions", "messages"):
        items = copy.get(key)
        if isinstance(items, list):
            copy[key] = [
                {
                    "_id": hashlib.sha1(
                        _canonical(item).encode(), usedforsecurity=False
                    ).hexdigest(),
                    **item,
                }
                if isinstance(item, dict)
                else item
                for item in items
            ]
    return copy


_MISSING = object()


def _diff_lines(old: object, new: object, indent: int, key: str | None) -> list[str]:
    """Lines of a unified-looking diff of the parts of two JSON values that differ."""
    pad = "  " * indent
    prefix = f'"{key}": ' if key is not None else ""
    if isinstance(old, dict) and isinstance(new, dict):
        inner: list[str] = []
        for name in sorted(set(old) | set(new)):
            a, b = old.get(name, _MISSING), new.get(name, _MISSING)
            if a != b:
                inner.extend(_diff_lines(a, b, indent + 1, name))
        return [f" {pad}{prefix}{{", *inner, f" {pad}}}"]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        inner = []
        for a, b in zip(old, new, strict=True):
            if a != b:
                inner.extend(_diff_lines(a, b, indent + 1, None))
        return [f" {pad}{prefix}[", *inner, f" {pad}]"]
    lines: list[str] = []
    if old is not _MISSING:
        lines.append(f"-{pad}{prefix}{json.dumps(old)}")
    if new is not _MISSING:
        lines.append(f"+{pad}{prefix}{json.dumps(new)}")
    return lines


def content_diff(old: dict[str, Any], new: dict[str, Any]) -> str:
    """The differing parts of two pacts, in the official broker's 409 notice format."""
    return "\n".join(_diff_lines(without_ids(old), without_ids(new), 0, None))
