"""Compare a broker answer with a recording of the official broker by shape, not by value.

Two brokers never agree on pact version shas, uuids, verification ids, timestamps or their own
host and port, so a byte comparison says nothing. Clients depend on the *shape*: status, media
type family, link relation names, object keys, JSON kinds, array lengths, and the wording of
notices and reasons they print. :func:`shape_differences` reports each mismatch with its JSON
path, and :class:`IdentifierMap` learns which of our identifiers stands for which recorded one,
so later requests of the recorded session can be replayed against our broker.
"""

import base64
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

RECORDED_BASE_URL = "http://127.0.0.1:9292"

# Strings whose wording clients print or show (CLI notices, can-i-deploy reasons, error
# messages, link titles and names); other strings are compared by kind only.
TEXT_KEYS = frozenset(
    {"text", "reason", "message", "error", "errors", "title", "name", "shortDescription", "href"}
)

_BASE_URL = re.compile(r"https?://(?:127\.0\.0\.1|localhost)(?::\d+)?")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
_SHA = re.compile(r"\b[0-9a-f]{40}\b")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
_METADATA = re.compile(r"/metadata/([A-Za-z0-9_-]+)")
_WEBHOOK_UUID = re.compile(r"/webhooks/[A-Za-z0-9_-]{22}\b")
_CONSUMER_VERSION_ID = re.compile(r"\b(cv\]?=)\d+")
_RESULT_ID = re.compile(r"/verification-results/\d+")
_DIGIT = re.compile(r"\d")
_DAY = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")
_RESULT_NAME = re.compile(r"Verification result \d+")
# The official broker's JSON syntax errors carry the json gem's C source line ("859: ").
_RUBY_PARSER_LINE = re.compile(r"(JSON::ParserError - )\d+: ")


@dataclass(frozen=True)
class Difference:
    """One mismatch: the recording, the JSON path inside the body, and what differs."""

    recording: str
    path: str
    detail: str

    def __str__(self) -> str:
        return f"{self.recording}: {self.path}: {self.detail}"


def media_family(content_type: str) -> str:
    """``hal+json`` or ``json`` (or the bare subtype): what a client switches on."""
    return content_type.split(";", 1)[0].strip().lower().rpartition("/")[2]


def normalise_text(text: str) -> str:
    """Replace what legitimately differs between brokers (base URL, ids, shas, times)."""
    text = _BASE_URL.sub("<base>", text)
    text = _UUID.sub("<uuid>", text)
    text = _SHA.sub("<sha>", text)
    text = _TIMESTAMP.sub("<time>", text)
    text = _DAY.sub("<day>", text)
    text = _METADATA.sub(_decoded_metadata, text)
    text = _WEBHOOK_UUID.sub("/webhooks/<uuid>", text)
    text = _RESULT_ID.sub("/verification-results/<id>", text)
    text = _RESULT_NAME.sub("Verification result <id>", text)
    return _RUBY_PARSER_LINE.sub(r"\1", text)


def _decoded_metadata(match: re.Match[str]) -> str:
    """The ``metadata/{m}`` segment as its query string, without database ids."""
    segment = match.group(1)
    try:
        query = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return "/metadata/<undecodable>"
    return "/metadata/<" + _CONSUMER_VERSION_ID.sub(r"\1<id>", unquote(query)) + ">"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "array"
    return "object"


def _strings_differ(recorded: str, ours: str, is_text: bool) -> bool:
    return is_text and normalise_text(recorded) != normalise_text(ours)


def shape_differences(recording: str, recorded: Any, ours: Any) -> list[Difference]:
    """Every place where ``ours`` has another shape than ``recorded`` (empty when alike)."""
    found: list[Difference] = []
    _compare(recording, "$", recorded, ours, False, found)
    return found


def _compare(
    recording: str, path: str, recorded: Any, ours: Any, is_text: bool, found: list[Difference]
) -> None:
    kind, our_kind = _kind(recorded), _kind(ours)
    if kind != our_kind:
        found.append(Difference(recording, path, f"recorded {kind}, ours {our_kind}"))
        return
    if isinstance(recorded, dict):
        missing = sorted(set(recorded) - set(ours))
        extra = sorted(set(ours) - set(recorded))
        what = "link relations" if path.endswith("._links") else "keys"
        if missing:
            found.append(Difference(recording, path, f"missing {what} {missing}"))
        if extra:
            found.append(Difference(recording, path, f"unexpected {what} {extra}"))
        for key in sorted(set(recorded) & set(ours)):
            _compare(
                recording,
                f"{path}.{key}",
                recorded[key],
                ours[key],
                is_text or key in TEXT_KEYS,
                found,
            )
    elif isinstance(recorded, list):
        if len(recorded) != len(ours):
            found.append(
                Difference(recording, path, f"recorded {len(recorded)} items, ours {len(ours)}")
            )
        for index, (left, right) in enumerate(zip(recorded, ours, strict=False)):
            _compare(recording, f"{path}[{index}]", left, right, is_text, found)
    elif isinstance(recorded, str) and _TIMESTAMP.fullmatch(recorded):
        if _DIGIT.sub("0", recorded) != _DIGIT.sub("0", ours):
            found.append(
                Difference(recording, path, f"timestamp format {ours!r}, recorded {recorded!r}")
            )
    elif isinstance(recorded, str) and _strings_differ(recorded, ours, is_text):
        found.append(
            Difference(
                recording,
                path,
                f"text differs:\n    recorded: {normalise_text(recorded)!r}\n"
                f"    ours:     {normalise_text(ours)!r}",
            )
        )


def _path_segments(url: str) -> list[str] | None:
    parts = urlsplit(url)
    if not parts.scheme or not _BASE_URL.match(url):
        return None
    return parts.path.split("/")


@dataclass
class IdentifierMap:
    """Which of our identifiers (shas, uuids, ids, metadata) stands for which recorded one.

    Learned by walking a recorded body and ours side by side: where two links at the same place
    have paths of the same length, the path segments that differ are identifiers of the same
    thing; where a recorded plain string is a uuid or sha, ours at that place is its equivalent.
    """

    mapping: dict[str, str] = field(default_factory=dict)

    def learn(self, recorded: Any, ours: Any) -> None:
        """Record the correspondences found between two bodies of the same exchange."""
        if isinstance(recorded, dict) and isinstance(ours, dict):
            for key in set(recorded) & set(ours):
                self.learn(recorded[key], ours[key])
        elif isinstance(recorded, list) and isinstance(ours, list):
            for left, right in zip(recorded, ours, strict=False):
                self.learn(left, right)
        elif isinstance(recorded, str) and isinstance(ours, str) and recorded != ours:
            self._learn_string(recorded, ours)

    def _learn_string(self, recorded: str, ours: str) -> None:
        recorded_segments, our_segments = _path_segments(recorded), _path_segments(ours)
        if recorded_segments is not None and our_segments is not None:
            if len(recorded_segments) == len(our_segments):
                for left, right in zip(recorded_segments, our_segments, strict=True):
                    if left != right:
                        self.mapping.setdefault(left, right)
        elif _UUID.fullmatch(recorded) or _SHA.fullmatch(recorded):
            self.mapping.setdefault(recorded, ours)

    def rewrite_path(self, path: str) -> str:
        """A recorded request path with each known recorded identifier replaced by ours."""
        return "/".join(self.mapping.get(part, part) for part in path.split("/"))
