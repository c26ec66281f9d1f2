"""The opaque ``metadata/{m}`` URL segment: base64url of a query string, as the official broker.

Verifiers copy the URL verbatim, so the segment only needs to round-trip; it records which
selectors picked the pact and whether it was pending, which helps when reading logs.
"""

import base64
from functools import lru_cache
from urllib.parse import parse_qsl, quote_plus


@lru_cache(maxsize=4096)
def _query_component(value: str) -> str:
    """``value`` quoted as ``urlencode`` does; the same few keys and values recur in every URL."""
    return quote_plus(value)


def encode_metadata(pairs: list[tuple[str, str]]) -> str:
    """Encode query pairs (as ``urlencode`` would) as unpadded base64url."""
    query = "&".join(f"{_query_component(k)}={_query_component(v)}" for k, v in pairs)
    return base64.urlsafe_b64encode(query.encode()).decode().rstrip("=")


def decode_metadata(segment: str) -> list[tuple[str, str]]:
    """Decode a segment made by :func:`encode_metadata`; garbage decodes to no pairs."""
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return []
    return parse_qsl(raw)
