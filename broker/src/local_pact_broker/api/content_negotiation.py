"""Choosing HTML for browsers and HAL for API clients from the ``Accept`` header."""

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def wants_html(accept: str) -> bool:
    """True when the client names HTML explicitly and ranks it at least as high as JSON.

    Browsers send ``text/html,…,*/*;q=0.8``; the official CLI and verifier send
    ``application/hal+json, application/json`` (or nothing, or ``*/*``), so they keep HAL.
    """
    html = 0.0
    json = 0.0
    for item in accept.split(","):
        media, *parameters = item.split(";")
        media = media.strip().lower()
        quality = _quality(parameters)
        if media in _HTML_TYPES:
            html = max(html, quality)
        elif media == "application/json" or media.endswith("+json"):
            json = max(json, quality)
    return html > 0 and html >= json
