"""The broker's own OpenAPI document, served at ``/openapi.json``.

FastAPI builds it from the routes (their ``responses=`` and ``openapi_extra``, see
``api/openapi_responses.py``); this adds what no single route knows:

- the named schemas the routes refer to (``api/openapi_schemas.py``);
- the auth answers, from the same rules the auth middleware applies: 401 on every operation
  but the heartbeat, 403 on every write (``api/auth.py`` decides which requests only read);
- no 422: the broker answers request validation errors with 400, as the official broker does,
  so FastAPI's default 422 and its schemas would be a promise the broker never keeps.

The document is built once per app, in route order, with sorted status codes: the same bytes
on every start.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from local_pact_broker.api.auth import PUBLIC_PATHS, is_read
from local_pact_broker.api.openapi_responses import FORBIDDEN, UNAUTHORIZED
from local_pact_broker.api.openapi_schemas import COMPONENT_SCHEMAS
from local_pact_broker.domain import urls

OPENAPI_PATH = urls.OPENAPI.template
FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
DESCRIPTION = (
    "A local, single-process Pact Broker speaking the official Pact Broker's HTTP API "
    "(HAL+JSON). Authentication is optional: when the broker is started with basic-auth "
    "credentials or bearer tokens, every request except the heartbeat needs them, and "
    "read-only credentials may only read."
)
SECURITY_SCHEMES = {
    "basic": {"type": "http", "scheme": "basic"},
    "bearer": {"type": "http", "scheme": "bearer"},
}


def _status_key(code: str) -> tuple[int, str]:
    return (int(code), code) if code.isdigit() else (1000, code)


def _add_auth(path: str, method: str, operation: dict[str, Any]) -> None:
    if path in PUBLIC_PATHS:
        operation["security"] = [{}]
        return
    # No credentials is fine when auth is off: {} is the "none needed" alternative.
    operation["security"] = [{}, {"basic": []}, {"bearer": []}]
    responses: dict[str, Any] = operation["responses"]
    responses.update({str(code): answer for code, answer in UNAUTHORIZED.items()})
    if not is_read(method, path):
        responses.update({str(code): answer for code, answer in FORBIDDEN.items()})


def build_document(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``app``'s routes, completed as the module docstring says."""
    document = get_openapi(
        title=app.title,
        version=app.version,
        openapi_version=app.openapi_version,
        description=DESCRIPTION,
        routes=app.routes,
    )
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            responses = operation["responses"]
            responses.pop("422", None)
            _add_auth(path, method, operation)
            operation["responses"] = dict(
                sorted(responses.items(), key=lambda i: _status_key(i[0]))
            )
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    schemas.update(COMPONENT_SCHEMAS)
    components["schemas"] = dict(sorted(schemas.items()))
    components["securitySchemes"] = SECURITY_SCHEMES
    return document


def install_openapi(app: FastAPI) -> None:
    """Serve :func:`build_document` as ``app.openapi()`` (FastAPI's own hook), built once."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
