"""What the route decorators declare for the OpenAPI document: answers and request bodies.

Routes combine these in ``responses=`` (``{**ok("Pacticipant"), **NOT_FOUND}``) and declare
their raw JSON body with ``openapi_extra=json_body("...")``: the body is read by
``api/request_body.py``, not by FastAPI, so FastAPI cannot see it. Success answers are
``application/hal+json``; errors carry the media type the broker really sends (the generic
404 and the 409 are plain ``application/json``, as the official broker's are).
"""

from typing import Any

from local_pact_broker.api.openapi_schemas import ref

HAL = "application/hal+json"
JSON = "application/json"

Responses = dict[int | str, dict[str, Any]]


def _content(schema: str, *media_types: str) -> dict[str, Any]:
    return {media: {"schema": ref(schema)} for media in media_types or (HAL,)}


def ok(schema: str, description: str = "The resource") -> Responses:
    """200 with a HAL body."""
    return {200: {"description": description, "content": _content(schema)}}


def created(schema: str, description: str = "Created") -> Responses:
    """201 with a HAL body."""
    return {201: {"description": description, "content": _content(schema)}}


def ok_or_created(schema: str) -> Responses:
    """200 when it already existed (updated), 201 when this request created it."""
    return {**ok(schema, "Updated (it existed)"), **created(schema, "Created")}


NO_CONTENT: Responses = {204: {"description": "Deleted"}}

NOT_FOUND: Responses = {
    404: {
        "description": "No such resource (the generic message is plain JSON)",
        "content": _content("ErrorMessage", HAL, JSON),
    }
}

INVALID: Responses = {
    400: {
        "description": "The request is not valid: what is wrong, per field or as a list",
        "content": {
            HAL: {"schema": {"anyOf": [ref("ValidationErrors"), ref("ErrorMessage")]}},
        },
    }
}

BODY_REFUSED: Responses = {
    **INVALID,
    413: {"description": "The body is larger than the limit", "content": _content("ErrorMessage")},
    415: {"description": "The body is not JSON", "content": _content("ErrorMessage")},
}
"""What any route reading a JSON body may answer: invalid (400), too large (413), not JSON."""

CONFLICT: Responses = {
    409: {
        "description": "A pact with different content is already published for this version",
        "content": _content("PublishConflict", JSON),
    }
}

UNAUTHORIZED: Responses = {
    401: {
        "description": "Authentication is configured and the credentials are missing or wrong",
        "content": _content("ErrorMessage"),
        "headers": {
            "WWW-Authenticate": {
                "description": "The configured schemes (Basic and/or Bearer)",
                "schema": {"type": "string"},
            }
        },
    }
}

FORBIDDEN: Responses = {
    403: {
        "description": "Read-only credentials were sent for a write",
        "content": _content("ErrorMessage"),
    }
}


def json_body(schema: str, *, required: bool = True) -> dict[str, Any]:
    """``openapi_extra`` declaring the JSON request body a route reads itself."""
    return {
        "requestBody": {
            "required": required,
            "content": {JSON: {"schema": ref(schema)}},
        }
    }


_HTML: dict[str, Any] = {"schema": {"type": "string"}}


def ok_or_html(schema: str, description: str) -> Responses:
    """200 as HAL, or as an HTML page for a browser that asks for HTML (``Accept``)."""
    return {200: {"description": description, "content": {**_content(schema), "text/html": _HTML}}}


NOT_FOUND_OR_HTML: Responses = {
    404: {
        "description": "No such resource; a browser gets an HTML page saying what to do",
        "content": {**NOT_FOUND[404]["content"], "text/html": _HTML},
    }
}

INDEX = ok_or_html("Index", "The API index (HAL); a browser that asks for HTML gets the dashboard")

_TEXT: dict[str, Any] = {"type": "string"}
_TEXTS: dict[str, Any] = {"type": "array", "items": _TEXT}


def query_parameters(**schemas: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` declaring optional query parameters a route reads itself."""
    return {
        "parameters": [
            {"name": name, "in": "query", "required": False, "schema": schema}
            for name, schema in schemas.items()
        ]
    }


MATRIX_QUERY = query_parameters(
    **{
        "q[][pacticipant]": _TEXTS,
        "q[][version]": _TEXTS,
        "q[][branch]": _TEXTS,
        "q[][tag]": _TEXTS,
        "q[][latest]": _TEXTS,
        "q[][mainBranch]": _TEXTS,
        "ignore[][pacticipant]": _TEXTS,
        "latestby": {"enum": ["cvp", "cvpv"]},
        "latest": {"enum": ["true", "false"]},
        "mainBranch": {"enum": ["true", "false"]},
        "tag": _TEXT,
        "environment": _TEXT,
        "limit": _TEXT,
    }
)
"""The matrix selectors (``q[][...]``, one selector per ``pacticipant``) and options; ``limit``
caps the rows (100 unless given; below 1 is a 400)."""

MATRIX_LIMIT_QUERY = query_parameters(limit=_TEXT)
"""The matrix of an integration reads the official ``limit`` too."""

CAN_I_DEPLOY_QUERY = query_parameters(
    pacticipant=_TEXT,
    version=_TEXT,
    environment=_TEXT,
    to=_TEXT,
    **{"ignore[][pacticipant]": _TEXTS},
)

FOR_VERIFICATION_QUERY = query_parameters(
    providerVersionBranch=_TEXT,
    includePendingStatus={"enum": ["true", "false"]},
    includeWipPactsSince=_TEXT,
    **{
        "providerVersionTags[]": _TEXTS,
        "consumer_version_selectors[][branch]": _TEXTS,
        "consumer_version_selectors[][tag]": _TEXTS,
        "consumer_version_selectors[][consumer]": _TEXTS,
        "consumer_version_selectors[][latest]": {"type": "array", "items": {"enum": ["true"]}},
        "consumer_version_selectors[][mainBranch]": {"type": "array", "items": {"enum": ["true"]}},
    },
)
"""The GET form: the body's fields as query parameters (selectors nested as Rack nests them)."""


TEXT_DIFF: Responses = {
    200: {
        "description": "The differences between two pact contents, as plain text",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    }
}
"""The pact diffs (``pb:diff``, ``pb:diff-previous-distinct``): text, as the official broker."""


SVG_BADGE: Responses = {
    200: {
        "description": "A status badge (an error badge when a name is unknown, as the official)",
        "content": {"image/svg+xml": {"schema": {"type": "string"}}},
    }
}
"""The can-i-deploy badges: always an image, so a README never shows a broken one."""
