"""Version numbers and names short enough for a table cell, with the full text kept for hover.

The official broker abbreviates a 40-character commit SHA to its first 7 characters and cuts
any number longer than 50 characters in the middle; names (branches, tags, environments) are
cut in the middle too. Here SHA-256 commits (64 characters) are abbreviated as well, and SHAs
are shortened *before* the length rule, so ``release-2.3-<sha>`` keeps its readable prefix.
"""

import re

SHORT_SHA_LENGTH = 7
"""Characters kept of a commit SHA: git's own default abbreviation."""

MAX_VERSION_LENGTH = 50
"""Longer version numbers (after shortening SHAs) are cut in the middle, as officially."""

MAX_NAME_LENGTH = 30
"""Longer branch, tag and environment names are cut in the middle for display."""

_SHA = re.compile(r"(?<![A-Za-z0-9])(?:[A-Za-z0-9]{64}|[A-Za-z0-9]{40})(?![A-Za-z0-9])")
_ELLIPSIS = "…"


def short_version(number: str) -> str:
    """``number`` for display: each 40- or 64-character SHA cut to 7, then at most 50 long.

    A version that is not a SHA is shown as it is unless it is very long.
    """
    shortened = _SHA.sub(lambda found: found.group(0)[:SHORT_SHA_LENGTH], number)
    if len(shortened) > MAX_VERSION_LENGTH:
        # The official cut: the first 39 and the last 10 characters around an ellipsis.
        return shortened[:39] + _ELLIPSIS + shortened[-10:]
    return shortened


def short_name(name: str, limit: int = MAX_NAME_LENGTH) -> str:
    """A branch, tag or environment name of at most ``limit`` characters, cut in the middle."""
    if len(name) <= limit:
        return name
    head = (limit - 1) // 2
    tail = limit - 1 - head
    return name[:head] + _ELLIPSIS + name[-tail:]
