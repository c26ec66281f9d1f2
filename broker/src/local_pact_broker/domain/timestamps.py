"""Timestamps: stored with microseconds (so ordering is exact), shown to the second."""

from datetime import UTC, datetime


def now() -> str:
    """The current UTC time, ISO 8601 with microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def display(stored: str) -> str:
    """A stored timestamp as the official broker shows it, e.g. ``2026-11-26T07:35:19+00:00``."""
    return datetime.fromisoformat(stored).isoformat(timespec="seconds")


def display_date(stored: str) -> str:
    """A stored timestamp as ``dd/mm/yyyy``, used in some link titles."""
    return datetime.fromisoformat(stored).strftime("%d/%m/%Y")
