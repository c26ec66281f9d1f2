r"""422 answers for any request input, even input that is not valid Unicode.

JSON may carry a lone surrogate (a ``\ud800`` escape); pydantic rejects it, and FastAPI's own
handler then fails to encode the rejected input it echoes back, so the caller gets a 500.
This handler answers the same 422 body, byte for byte, with such characters replaced.
"""

import json

from fastapi import Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


class _Utf8SafeJSONResponse(JSONResponse):
    def render(self, content: object) -> bytes:
        # Starlette's JSONResponse.render, except that unencodable characters become "?".
        text = json.dumps(
            content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
        )
        return text.encode("utf-8", errors="replace")


async def request_validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    """FastAPI's 422 body (``{"detail": [...]}``), encodable whatever the input was."""
    return _Utf8SafeJSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content={"detail": jsonable_encoder(error.errors())},
    )
