"""What the broker refuses to ingest: strict JSON, and limits on names, versions and tags.

Pure rules (no HTTP, no SQL): ``strict_json_loads`` is the one JSON parser for request bodies
and for base64 pact content; ``name_problems`` says what is wrong with a name or version.
"""

import json
import math
import re
from typing import Any

MAX_NAME_LENGTH = 255
"""Longest pacticipant name, version number, branch, tag or environment name (characters)."""

MAX_TAGS_PER_VERSION = 100
"""Most tags one version may carry."""

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
"""C0 and C1 control characters, DEL included: refused in every name, version, branch, tag."""

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class RefusedJsonError(ValueError):
    """Valid-looking JSON the broker refuses: a non-finite number or invalid Unicode."""


def _refuse_constant(name: str) -> Any:  # noqa: ANN401 - json's hook signature
    raise RefusedJsonError(f"non-finite number {name} is not allowed (JSON numbers must be finite)")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise RefusedJsonError(
            f"number {text[:40]} is out of range (overflows to infinity; numbers must be finite)"
        )
    return value


def _has_lone_surrogate(value: object) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(item) for item in value)
    return False


def strict_json_loads(raw: bytes) -> Any:  # noqa: ANN401 - any JSON value
    """Parse UTF-8 JSON, refusing what the broker must not store.

    ``RefusedJsonError`` for NaN/Infinity/overflowing numbers, invalid UTF-8 or lone
    surrogates; ``ValueError``/``RecursionError`` for bad syntax, as ``json.loads``.
    """
    try:
        text = raw.removeprefix(b"\xef\xbb\xbf").decode(
            "utf-8"
        )  # strict: UTF-8-encoded surrogates are refused here
    except UnicodeDecodeError as error:
        raise RefusedJsonError(f"invalid UTF-8 at byte {error.start}") from None
    value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    # A lone surrogate can only come from a \uD800-\uDFFF escape: walk the value only then.
    if _SURROGATE_ESCAPE.search(raw) and _has_lone_surrogate(value):
        raise RefusedJsonError(
            "invalid Unicode: a string contains a lone surrogate escape (\\uD800-\\uDFFF)"
        )
    return value


def name_problems(value: str, *, pacticipant: bool = False) -> list[str]:
    """What is wrong with a name, version, branch or tag (empty if nothing)."""
    problems = []
    if len(value) > MAX_NAME_LENGTH:
        problems.append(
            f"is {len(value)} characters long; the limit is {MAX_NAME_LENGTH} characters"
        )
    if pacticipant and "/" in value:
        problems.append(
            "cannot contain '/' (a pacticipant name is a path segment of every pact URL)"
        )
    if _has_lone_surrogate(value):
        problems.append("contains invalid Unicode (a lone surrogate)")
    if (control := _CONTROL.search(value)) is not None:
        problems.append(
            f"contains the control character U+{ord(control.group(0)):04X} at position "
            f"{control.start()} (names show in URLs, logs and the CLI's tables, where a line "
            "break or other control character has no place)"
        )
    return problems


def too_many_tags(count: int) -> str:
    """The message for a version that would carry more than ``MAX_TAGS_PER_VERSION`` tags."""
    return (
        f"a version can carry at most {MAX_TAGS_PER_VERSION} tags; this request would give it "
        f"{count}"
    )
