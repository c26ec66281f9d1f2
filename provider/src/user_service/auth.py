"""Bearer-token access for writes: the one token the service was started with.

``HTTPBearer`` puts a bearer security scheme on every operation that depends on it, so the
spec (and the generated client) says which calls need the token. ``auto_error`` is off: the
check below answers every refusal itself, with 401, ``WWW-Authenticate: Bearer`` and a detail
that says what to fix, and never echoes the token it was sent.
"""

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import SecretStr

bearer_token = HTTPBearer(
    auto_error=False,
    description="The API token the service was started with (`USER_SERVICE_API_TOKEN`).",
)

NOT_CONFIGURED = (
    "This server has no API token configured (USER_SERVICE_API_TOKEN), so it accepts no writes"
)
NOT_SENT = "This request needs the API token: send 'Authorization: Bearer <token>'"
NOT_MATCHING = "The bearer token is not this server's API token"


def _refuse(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


def require_api_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_token)],
) -> None:
    """Let the request through only with the configured token; refuse all when none is set."""
    expected: SecretStr | None = request.app.state.api_token
    if expected is None:
        raise _refuse(NOT_CONFIGURED)
    if credentials is None:
        raise _refuse(NOT_SENT)
    # Bytes, not str: compare_digest refuses non-ASCII str, and a header may hold any byte.
    given = credentials.credentials.encode("utf-8")
    if not secrets.compare_digest(given, expected.get_secret_value().encode("utf-8")):
        raise _refuse(NOT_MATCHING)


ApiTokenRequired = Depends(require_api_token)
