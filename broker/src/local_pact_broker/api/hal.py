"""HAL+JSON building blocks: the media types, the base URL of links, link objects, responses.

Paths come from the URL table (``domain/urls.py``); ``segment`` is re-exported from there for
the pages that quote names themselves.
"""

import json
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from local_pact_broker.domain import urls
from local_pact_broker.domain.urls import segment

__all__ = [
    "HAL_JSON",
    "PLAIN_JSON",
    "Link",
    "base_url",
    "compact_json",
    "curies",
    "hal",
    "hal_text",
    "link",
    "segment",
]

HAL_JSON = "application/hal+json;charset=utf-8"
PLAIN_JSON = "application/json;charset=utf-8"

Link = dict[str, Any]

# The settings of Starlette's ``JSONResponse.render``, kept in one encoder: ``json.dumps`` with
# non-default settings builds a new encoder on every call.
_COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def base_url(request: Request) -> str:
    """The broker's own base URL: ``PACT_BROKER_BASE_URL`` when set, else as the client saw it.

    Without the setting links follow the host name the client used (``Host``).
    """
    app = request.scope.get("app")
    settings = getattr(getattr(app, "state", None), "settings", None)
    configured: str | None = getattr(settings, "base_url", None)
    if configured:
        return configured
    return str(request.base_url).rstrip("/")


def link(
    href: str, title: str | None = None, name: str | None = None, templated: bool | None = None
) -> Link:
    """One HAL link object, with only the attributes that are set."""
    result: Link = {"href": href}
    if name is not None:
        result["name"] = name
    if title is not None:
        result["title"] = title
    if templated is not None:
        result["templated"] = templated
    return result


def curies(base: str, context: str) -> list[Link]:
    """The ``curies`` link the official broker adds so ``pb:`` relations are documented."""
    href = f"{urls.DOC.templated(base)}?context={context}"
    return [{"name": "pb", "href": href, "templated": True}]


def hal(body: dict[str, Any], status: int = 200) -> JSONResponse:
    """A HAL+JSON response.

    Text that is not valid Unicode (a lone surrogate stored before such input was refused) is
    shown as ``?`` rather than failing the whole answer.
    """
    try:
        return JSONResponse(body, status_code=status, media_type=HAL_JSON)
    except UnicodeEncodeError:
        content = compact_json(body).encode("utf-8", errors="replace")
        return _raw_hal(content, status)


def compact_json(value: object) -> str:
    """``value`` as JSON text exactly as :func:`hal` would render it, for bodies built in parts."""
    return _COMPACT_JSON.encode(value)


def _raw_hal(content: bytes, status: int) -> JSONResponse:
    response = JSONResponse(None, status_code=status, media_type=HAL_JSON)
    response.body = content
    response.init_headers()
    return response


def hal_text(body: str, status: int = 200) -> Response:
    """A HAL+JSON response from JSON text already assembled with :func:`compact_json`."""
    return Response(body.encode("utf-8"), status_code=status, media_type=HAL_JSON)


class HalJsonResponse(JSONResponse):
    """The app's default response class, so the OpenAPI document says ``application/hal+json``.

    Routes answer through :func:`hal`; this only names the media type of their answers.
    """

    media_type = "application/hal+json"
