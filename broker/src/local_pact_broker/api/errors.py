"""Errors the broker answers with, in the official broker's JSON shapes, and their handlers.

Lower layers raise the refusals of ``domain/errors.py``; this module alone decides their
status codes and bodies. :class:`BrokerError` is for answers only HTTP knows (413, 415, ...).
"""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from local_pact_broker.api.hal import HAL_JSON, PLAIN_JSON
from local_pact_broker.domain.errors import (
    InvalidInputError,
    NotFoundError,
    PublicationConflictError,
    RefusalError,
)

logger = logging.getLogger(__name__)

DOCUMENT_NOT_FOUND = "The requested document was not found on this server."


class BrokerError(Exception):
    """An answer other than success: a status and a JSON body."""

    def __init__(self, status: int, body: dict[str, Any], media_type: str = HAL_JSON) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.media_type = media_type


def not_found(message: str | None = None) -> NotFoundError:
    """404; without a message it is the official generic 'document not found'."""
    return NotFoundError(message)


def validation_failed(errors: dict[str, list[str]] | list[str]) -> InvalidInputError:
    """400 with the official ``errors`` field (a map of field to messages, or a list)."""
    return InvalidInputError(errors)


def answer_for(refusal: RefusalError) -> BrokerError:
    """The status and body the official broker gives for a refusal."""
    if isinstance(refusal, InvalidInputError):
        return BrokerError(400, {"errors": refusal.errors})
    if isinstance(refusal, NotFoundError):
        if refusal.message is None:
            return BrokerError(404, {"error": DOCUMENT_NOT_FOUND}, PLAIN_JSON)
        return BrokerError(404, {"error": refusal.message})
    if isinstance(refusal, PublicationConflictError):
        body = {"errors": {"contracts": refusal.errors}, "notices": refusal.notices}
        return BrokerError(409, body, PLAIN_JSON)
    return BrokerError(400, {"errors": [str(refusal)]})


def _response(error: BrokerError) -> JSONResponse:
    return JSONResponse(error.body, status_code=error.status, media_type=error.media_type)


def _handle(request: Request, error: Exception) -> JSONResponse:
    """Every handled exception, by kind (Starlette hands handlers a plain ``Exception``)."""
    if isinstance(error, BrokerError):
        return _response(error)
    if isinstance(error, RefusalError):
        return _response(answer_for(error))
    if isinstance(error, StarletteHTTPException):
        if error.status_code == 404:
            return JSONResponse({"error": DOCUMENT_NOT_FOUND}, 404, media_type=PLAIN_JSON)
        return JSONResponse({"error": str(error.detail)}, error.status_code, media_type=PLAIN_JSON)
    if isinstance(error, RequestValidationError):
        messages = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()]
        return JSONResponse({"errors": messages}, 400, media_type=HAL_JSON)
    logger.exception("unexpected error", exc_info=error)
    body = {"error": {"message": "An error has occurred. The details have been logged."}}
    return JSONResponse(body, 500, media_type=HAL_JSON)


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error as JSON in the official shapes."""
    for kind in (
        BrokerError,
        RefusalError,
        StarletteHTTPException,
        RequestValidationError,
        Exception,
    ):
        app.add_exception_handler(kind, _handle)
