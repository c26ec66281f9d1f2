"""Type rules for the optional fields of JSON request bodies, as ``errors`` maps.

Routes read raw JSON, so a field documented as a string may arrive as a number, a list or an
object; stored as is it would fail deep in SQLite (a 500) or come back in the wrong shape.
Each rule answers the official broker's per-field messages, for a 400 before anything is
written. ``null`` counts as absent, as the official broker treats it.
"""

from collections.abc import Mapping


def text_field_errors(body: Mapping[str, object], *fields: str) -> dict[str, list[str]]:
    """``fields`` that are present but not strings."""
    return {
        field: ["must be a string"]
        for field in fields
        if body.get(field) is not None and not isinstance(body.get(field), str)
    }


def list_field_errors(
    body: Mapping[str, object], field: str, item: type, item_name: str
) -> dict[str, list[str]]:
    """``field`` when present but not a list whose items are all ``item``."""
    value = body.get(field)
    if value is None:
        return {}
    if not isinstance(value, list) or not all(isinstance(v, item) for v in value):
        return {field: [f"must be a list of {item_name}"]}
    return {}
