"""Webhook template variables (``${pactbroker.x}``), rendered as the official broker does.

Pure functions: the trigger code builds a context (name → value) once per triggered webhook
and delivery renders the request from it, so retries send exactly what the first attempt sent.
"""

import json
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

# Every variable of the official broker 2.119 (PactAndVerificationParameters), in its order.
PARAMETERS: tuple[str, ...] = (
    "consumerName",
    "providerName",
    "consumerVersionNumber",
    "providerVersionNumber",
    "providerVersionTags",
    "providerVersionBranch",
    "consumerVersionTags",
    "consumerVersionBranch",
    "pactUrl",
    "verificationResultUrl",
    "githubVerificationStatus",
    "bitbucketVerificationStatus",
    "consumerLabels",
    "providerLabels",
    "eventName",
    "currentlyDeployedProviderVersionNumber",
    "providerMainBranchGithubVerificationStatus",
)

_PARAMETER = re.compile(r"\$\{pactbroker\.([A-Za-z]+)\}")


def render_template(
    template: str, context: Mapping[str, str], escape: Callable[[str], str] | None = None
) -> str:
    """Replace known ``${pactbroker.name}`` placeholders; unknown ones stay as written.

    A known variable missing from ``context`` renders as the empty string, as the official
    broker renders e.g. ``providerVersionNumber`` for a publication without a verification.
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in PARAMETERS:
            return match.group(0)
        value = context.get(name, "")
        return escape(value) if escape is not None else value

    return _PARAMETER.sub(replace, template)


def includes_parameter(value: str) -> bool:
    """Whether a string holds a template variable (such values are never redacted)."""
    return _PARAMETER.search(value) is not None


def _json_string_content(value: str) -> str:
    return json.dumps(value)[1:-1]


def render_url(template: str, context: Mapping[str, str]) -> str:
    """The URL with values percent-encoded, so a value cannot change the host or path."""
    return render_template(template, context, lambda value: quote(value, safe=""))


def render_body(body: Any, context: Mapping[str, str]) -> str | None:  # noqa: ANN401 - JSON
    """The request body as sent: JSON bodies are serialised, then values JSON-escaped."""
    if body is None:
        return None
    if isinstance(body, str):
        return render_template(body, context)
    compact = json.dumps(body, separators=(",", ":"), ensure_ascii=False)  # as the official
    return render_template(compact, context, _json_string_content)


def placeholder_context() -> dict[str, str]:
    """Values that keep a URL parseable when it is checked before any event exists."""
    return dict.fromkeys(PARAMETERS, "placeholder")
