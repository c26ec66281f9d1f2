"""Where a verb's words go: results to stdout, problems to stderr, never wrapped or coloured oddly.

``soft_wrap`` keeps one finding on one line (CI logs are grepped); ``highlight`` is off so
rich does not colour numbers and paths in sentences that are already plain. The two consoles
are made on first use: rich costs ~0.1 s to import, and ``--help`` prints none of it.
"""

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


@cache
def _console(*, stderr: bool) -> "Console":
    from rich.console import Console  # noqa: PLC0415 - imported when a verb first prints

    return Console(stderr=stderr, soft_wrap=True, highlight=False, emoji=False, tab_size=8)


def say(text: str) -> None:
    """One line (or block) of normal output, printed as is: no markup is interpreted."""
    _console(stderr=False).print(text, markup=False)


def warn(text: str) -> None:
    """A line on stderr, printed as is."""
    _console(stderr=True).print(text, markup=False)


def fail(text: str) -> None:
    """``error: ...`` on stderr: the first words a person reads when a verb fails."""
    _console(stderr=True).print(f"error: {text}", markup=False)
