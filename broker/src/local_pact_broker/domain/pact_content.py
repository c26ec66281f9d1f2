"""Pact documents: validation, content identity (sha) and the change diff shown on a 409."""

import difflib
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


class _Absent:
    """A side of a difference that has no value there (a key or index only the other has)."""


_ABSENT = _Absent()
_SAME_AT_INDEX = "<no difference at this index>"  # rendered as ``...``, as the official CLI shows


def _difference(old: object, new: object) -> tuple[object, object] | None:
    """The two sides of what differs, as the official (pact-support) differ sees it.

    Keys only in the new pact are not differences (its ``allow_unexpected_keys``); equal array
    elements stay as a marker so positions are kept; ``None`` when nothing differs.
    """
    if isinstance(old, dict):
        if not isinstance(new, dict):
            return old, new
        old_side: dict[str, object] = {}
        new_side: dict[str, object] = {}
        for key, value in old.items():
            found = _difference(value, new.get(key, _ABSENT))
            if found is not None:
                old_side[key], new_side[key] = found
        return (old_side, new_side) if old_side else None
    if isinstance(old, list):
        if not isinstance(new, list):
            return old, new
        old_items: list[object] = []
        new_items: list[object] = []
        changed = False
        for index in range(max(len(old), len(new))):
            a = old[index] if index < len(old) else _ABSENT
            b = new[index] if index < len(new) else _ABSENT
            found = _difference(a, b)
            if found is None:
                old_items.append(_SAME_AT_INDEX)
                new_items.append(_SAME_AT_INDEX)
            else:
                changed = True
                old_items.append(found[0])
                new_items.append(found[1])
        return (old_items, new_items) if changed else None
    return None if old == new else (old, new)


def _present(value: object) -> object:
    """A side of a difference with its absent keys and elements left out, for rendering."""
    if isinstance(value, dict):
        return {k: _present(v) for k, v in value.items() if v is not _ABSENT}
    if isinstance(value, list):
        return [_present(v) for v in value if v is not _ABSENT]
    return value


def _sorted_content(pact: dict[str, Any]) -> dict[str, Any]:
    """Keys in order and interactions (or messages) sorted, as the official diff compares."""
    content: dict[str, Any] = json.loads(_canonical(without_ids(pact)))
    key = "interactions" if "interactions" in content else "messages"
    if isinstance(content.get(key), list):
        content[key] = sorted(content[key], key=_canonical)
    return content


def content_diff(old: dict[str, Any], new: dict[str, Any]) -> str:
    """The differing parts of two pacts, in the official broker's 409 notice format.

    Each side is rendered as pretty JSON with only what differs (``...`` for equal array
    elements), then compared as a unified diff with three lines of context and no hunk
    headers (as recording 05 shows); ``-`` lines are the stored pact, ``+`` the new one.
    """
    found = _difference(_sorted_content(old), _sorted_content(new))
    if found is None:
        return ""
    old_text, new_text = (
        json.dumps(_present(side), indent=2, ensure_ascii=False).splitlines() for side in found
    )
    lines = difflib.unified_diff(old_text, new_text, n=3, lineterm="")
    same = json.dumps(_SAME_AT_INDEX)
    return "\n".join(
        line.replace(same, "...") for line in lines if not line.startswith(("---", "+++", "@@"))
    )
