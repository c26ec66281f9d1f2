"""Status badges as SVG, drawn here: the official broker fetches them from shields.io.

The broker works offline, so the two-part "flat" badge (grey label, coloured message) is
rendered from a template. Widths are estimated per character (no font metrics): close enough
for a README, and byte-stable for the same texts.
"""

from dataclasses import dataclass
from html import escape

COLOURS = {"brightgreen": "#4c1", "red": "#e05d44", "lightgrey": "#9f9f9f"}
_CHARACTER_WIDTH = 7
_PADDING = 10


@dataclass(frozen=True)
class Badge:
    """What a badge says: ``label`` on the left, ``message`` on a ``colour`` on the right."""

    label: str
    message: str
    colour: str


def can_i_deploy_badge(
    source: str, target: str, deployable: bool | None, label: str | None = None
) -> Badge:
    """As the official ``can_i_deploy_badge_url``: green only when deployable."""
    colour = "brightgreen" if deployable else "red"
    return Badge(label or "can-i-deploy", f"{source} to {target}", colour)


def error_badge(subject: str, problem: str) -> Badge:
    """As the official ``error_badge_url``: what was not found, on grey."""
    return Badge(subject, problem, "lightgrey")


def badge_svg(badge: Badge) -> str:
    """The badge as a standalone SVG document."""
    left = len(badge.label) * _CHARACTER_WIDTH + _PADDING
    right = len(badge.message) * _CHARACTER_WIDTH + _PADDING
    total = left + right
    label, message = escape(badge.label), escape(badge.message)
    colour = COLOURS[badge.colour]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20"'
        f' role="img" aria-label="{label}: {message}">'
        f"<title>{label}: {message}</title>"
        f'<rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{colour}"/>'
        '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,sans-serif"'
        ' font-size="11">'
        f'<text x="{left / 2}" y="14">{label}</text>'
        f'<text x="{left + right / 2}" y="14">{message}</text>'
        "</g></svg>"
    )
