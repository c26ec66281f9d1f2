"""Reading JSON request bodies safely: size limit, content type and parse errors as 4xx."""

from typing import Any

from fastapi import Request

from local_pact_broker.api.errors import BrokerError
from local_pact_broker.domain.limits import RefusedJsonError, strict_json_loads
from local_pact_broker.settings import Settings


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media in ("", "application/json") or media.endswith("+json")


async def json_body(request: Request) -> Any:  # noqa: ANN401 - any JSON value
    """The parsed body (``{}`` when empty); 413, 415 or 400 for bodies the broker must refuse."""
    settings: Settings = request.app.state.settings
    limit = settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BrokerError(413, {"error": f"Request body is larger than {limit} bytes"})
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BrokerError(413, {"error": f"Request body is larger than {limit} bytes"})
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        return {}
    if not _is_json(request.headers.get("content-type", "")):
        media = request.headers.get("content-type", "")
        raise BrokerError(415, {"error": f"Unsupported content type '{media}', expected JSON"})
    try:
        return strict_json_loads(raw)
    except RefusedJsonError as error:
        raise BrokerError(400, {"error": f"The request body was refused: {error}"}) from None
    except (ValueError, RecursionError):  # bad syntax or UTF-8, too deep, integer too long
        text = raw[:200].decode(errors="replace")
        raise BrokerError(
            400, {"error": f"JSON::ParserError - unexpected token at '{text}'"}
        ) from None


def json_object(body: object) -> dict[str, Any]:
    """The body as a JSON object, or 400."""
    if not isinstance(body, dict):
        raise BrokerError(400, {"error": "The request body must be a JSON object"})
    return body
