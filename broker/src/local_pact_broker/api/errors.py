"""Errors the broker answers with, in the official broker's JSON shapes, and their handlers."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from local_pact_broker.api.hal import HAL_JSON, PLAIN_JSON

logger = logging.getLogger(__name__)

DOCUMENT_NOT_FOUND = "The requested document was not found on this server."


class BrokerError(Exception):
    """An answer other than success: a status and a JSON body."""

    def __init__(self, status: int, body: dict[str, Any], media_type: str = HAL_JSON) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.media_type = media_type


def not_found(message: str | None = None) -> BrokerError:
    """404; without a message it is the official generic 'document not found'."""
    if message is None:
        return BrokerError(404, {"error": DOCUMENT_NOT_FOUND}, PLAIN_JSON)
    return BrokerError(404, {"error": message})


def validation_failed(errors: dict[str, list[str]] | list[str]) -> BrokerError:
    """400 with the official ``errors`` field (a map of field to messages, or a list)."""
    return BrokerError(400, {"errors": errors})


def _broker_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, BrokerError)  # noqa: S101 - registered for BrokerError only
    return JSONResponse(error.body, status_code=error.status, media_type=error.media_type)


def _http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)  # noqa: S101
    if error.status_code == 404:
        return JSONResponse({"error": DOCUMENT_NOT_FOUND}, 404, media_type=PLAIN_JSON)
    return JSONResponse({"error": str(error.detail)}, error.status_code, media_type=PLAIN_JSON)


def _request_validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)  # noqa: S101
    messages = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()]
    return JSONResponse({"errors": messages}, 400, media_type=HAL_JSON)


def _unexpected_error(_request: Request, error: Exception) -> JSONResponse:
    logger.exception("unexpected error", exc_info=error)
    body = {"error": {"message": "An error has occurred. The details have been logged."}}
    return JSONResponse(body, 500, media_type=HAL_JSON)


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error as JSON in the official shapes."""
    app.add_exception_handler(BrokerError, _broker_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _request_validation_error)
    app.add_exception_handler(Exception, _unexpected_error)
