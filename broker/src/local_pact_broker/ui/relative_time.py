"""Relative times ("3 minutes ago") in the official broker's words, and absolute UTC labels.

A port of the ``distance_of_time_in_words`` the official UI uses (from Rails), as a pure
function of two instants: the page passes ``now`` in, so rendering is deterministic in tests.
"""

import calendar
import math
from datetime import UTC, datetime

_MINUTES_PER_DAY = 1440
_MINUTES_PER_MONTH = 43200
_MINUTES_PER_YEAR = 525600


def _round(value: float) -> int:
    """Round half away from zero, as Ruby does (Python's ``round`` rounds half to even)."""
    return math.floor(value + 0.5)


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def _years(earlier: datetime, later: datetime, minutes: int) -> str:
    # Leap days between the two are discounted, so 20 years read as "about 20 years".
    first = earlier.year + (1 if earlier.month >= 3 else 0)
    last = later.year - (1 if later.month < 3 else 0)
    leap_days = calendar.leapdays(first, last + 1) if first <= last else 0
    minutes -= leap_days * _MINUTES_PER_DAY
    years, remainder = divmod(minutes, _MINUTES_PER_YEAR)
    if remainder < 131400:
        return "about " + _plural(years, "year")
    if remainder < 394200:
        return "over " + _plural(years, "year")
    return "almost " + _plural(years + 1, "year")


def distance_in_words(earlier: datetime, later: datetime) -> str:
    """How far apart two instants are, e.g. ``less than a minute``, ``about 3 hours``."""
    if earlier > later:
        earlier, later = later, earlier
    minutes = _round((later - earlier).total_seconds() / 60)
    if minutes == 0:
        return "less than a minute"
    if minutes < 45:
        return _plural(minutes, "minute")
    if minutes < 90:
        return "about 1 hour"
    if minutes < _MINUTES_PER_DAY:
        return "about " + _plural(_round(minutes / 60), "hour")
    if minutes < 2520:
        return "1 day"
    if minutes < _MINUTES_PER_MONTH:
        return _plural(_round(minutes / _MINUTES_PER_DAY), "day")
    if minutes < 2 * _MINUTES_PER_MONTH:
        return "about " + _plural(_round(minutes / _MINUTES_PER_MONTH), "month")
    if minutes < _MINUTES_PER_YEAR:
        return _plural(_round(minutes / _MINUTES_PER_MONTH), "month")
    return _years(earlier, later, minutes)


def parse_stored(stored: str) -> datetime:
    """A stored ISO 8601 timestamp as an aware UTC datetime (naive ones are taken as UTC)."""
    parsed = datetime.fromisoformat(stored)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def time_ago(then: datetime, now: datetime) -> str:
    """``then`` relative to ``now``: ``3 minutes ago``, or ``in 2 minutes`` for a later clock."""
    words = distance_in_words(then, now)
    return f"in {words}" if then > now and words != "less than a minute" else f"{words} ago"


def utc_label(moment: datetime) -> str:
    """The absolute instant for a tooltip, to the second: ``2026-05-01 12:00:03 UTC``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def machine_timestamp(moment: datetime) -> str:
    """The instant for ``<time datetime>``: ``2026-05-01T12:00:03Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
