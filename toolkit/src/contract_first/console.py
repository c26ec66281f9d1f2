"""Where a verb's words go: results to stdout, problems to stderr, never wrapped or coloured oddly.

``soft_wrap`` keeps one finding on one line (CI logs are grepped); ``highlight`` is off so
rich does not colour numbers and paths in sentences that are already plain.
"""

from rich.console import Console

out = Console(soft_wrap=True, highlight=False, emoji=False, tab_size=8)
err = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False, tab_size=8)


def say(text: str) -> None:
    """One line (or block) of normal output, printed as is: no markup is interpreted."""
    out.print(text, markup=False)


def warn(text: str) -> None:
    """A line on stderr, printed as is."""
    err.print(text, markup=False)


def fail(text: str) -> None:
    """``error: ...`` on stderr: the first words a person reads when a verb fails."""
    err.print(f"error: {text}", markup=False)
