"""Which webhook requests the broker may send (SSRF guard), the retry schedule and redaction.

The official broker allows only https, only POST, and any host unless a host whitelist is set.
A local broker mostly calls local CI stubs, so the defaults here are: hosts 127.0.0.1, ::1 and
localhost only; https only, as the official broker. Plain http can be allowed (opt-in) when
every address the host resolves to is a loopback address (traffic that never leaves the
machine), for CI stubs and tests with a plain-http receiver. Names are resolved when checked and
the delivery connects to the vetted address, so a name that resolves (or re-resolves) to an
address outside the list is refused.

Host whitelist entries (space separated, as ``PACT_BROKER_WEBHOOK_HOST_WHITELIST``): a host
name (``ci.local``), a wildcard domain (``*.ci.local``, one label), an IP (``127.0.0.1``), a
network (``10.0.0.0/8``) or a regular expression between slashes (``/.*/``). A URL's host must
match an entry, and every address it resolves to must match an IP, network or regex entry.
"""

import ipaddress
import re
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import SplitResult, parse_qsl, quote, urlencode, urlsplit, urlunsplit

from local_pact_broker.domain.webhook_templates import includes_parameter

Resolver = Callable[[str], list[str]]
REDACTED = "**********"
_SENSITIVE_HEADER = re.compile(r"authorization|token", re.IGNORECASE)
_SENSITIVE_QUERY = re.compile(r"token|password|secret|key|signature|sig", re.IGNORECASE)
_SEE_DOC = "See /doc/webhooks#whitelist for more information."
# RFC 9110 token characters: what a header name (and a method) may be made of.
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
# Characters kept as they are when a URL path or query is made sendable; everything else
# (spaces, controls, non-ASCII as UTF-8) is percent-encoded.
_URL_SAFE = "/%:@!$&'()*+,;=-._~?"
_NETLOC_FORBIDDEN = re.compile(r"[\x00-\x20\x7f\\]")


def response_hidden_message(base_url: str) -> str:
    """What the official broker says instead of a response it does not show."""
    return (
        "For security purposes, the response details are not logged. To enable response "
        "logging, configure the webhook_host_whitelist property. See "
        f"{base_url}/doc/webhooks#whitelist for more information."
    )


def system_resolver(host: str) -> list[str]:
    """Every address the host name resolves to (an IP literal resolves to itself)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]).split("%", 1)[0] for info in infos})


@dataclass(frozen=True)
class WebhookPolicy:
    """The allow-lists the broker checks every webhook request against."""

    hosts: tuple[str, ...] = ("127.0.0.1", "::1", "localhost")
    schemes: tuple[str, ...] = ("https",)
    methods: tuple[str, ...] = ("POST",)
    http_to_loopback: bool = False
    # As the official broker: responses (and network errors) of webhook requests are shown in
    # logs and ``execute`` results only when the operator configured the host whitelist.
    show_response: bool = False


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: errors in the official shape, and the addresses to connect to."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    addresses: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        """No rule refused the request."""
        return not self.errors


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _network(entry: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return None


def _is_regex(entry: str) -> bool:
    return len(entry) > 1 and entry.startswith("/") and entry.endswith("/")


def _name_matches(entry: str, host: str) -> bool:
    if _is_regex(entry):
        return re.search(entry[1:-1], host) is not None
    if entry.startswith("*."):
        suffix = entry[1:].lower()
        return host.endswith(suffix) and host.count(".") == entry.count(".")
    network, address = _network(entry), _ip(host)
    if network is not None:
        return address is not None and address in network
    return host == entry.lower()


def _address_matches(entry: str, address: str) -> bool:
    if _is_regex(entry):
        return re.search(entry[1:-1], address) is not None
    network, ip = _network(entry), _ip(address)
    return network is not None and ip is not None and ip in network


def _is_loopback(address: str) -> bool:
    ip = _ip(address)
    return ip is not None and ip.is_loopback


def sendable_url(url: str) -> str:
    """The URL with its path and query percent-encoded (UTF-8) where HTTP/1.1 needs it.

    Raises ``ValueError`` (``UnicodeEncodeError`` for text that is not valid Unicode, such as a
    lone surrogate) when the URL cannot be sent at all; :func:`url_problem` says why.
    """
    parts = urlsplit(url)
    _ = parts.port  # raises ValueError for a port outside 0-65535
    return urlunsplit(
        (
            parts.scheme,
            parts.netloc,
            quote(parts.path, safe=_URL_SAFE),
            quote(parts.query, safe=_URL_SAFE),
            "",
        )
    )


def url_problem(url: str) -> str | None:
    """Why this URL can never be requested, or ``None`` if it can."""
    try:
        parts = urlsplit(url)
    except ValueError as error:
        return f"Invalid URL '{redact_url(url)}': {error}"
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        return f"Invalid URL '{redact_url(url)}': port must be between 1 and 65535"
    if not parts.netloc.isascii() or _NETLOC_FORBIDDEN.search(parts.netloc):
        return (
            "the host part of the URL must be ASCII without spaces or control characters"
            " (use the punycode form of an internationalised domain name)"
        )
    try:
        sendable_url(url)
    except ValueError:
        return "the URL contains characters that cannot be percent-encoded (invalid Unicode)"
    return None


def header_problem(name: str, value: str) -> str | None:
    """Why this header can never be sent, or ``None`` if it can."""
    if not _TOKEN.match(name):
        return f"header name {name!r} is not a valid HTTP header name"
    if any(c in value for c in "\r\n\x00"):
        return f"header {name} must not contain CR, LF or NUL characters"
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return f"header {name} must only contain ISO-8859-1 (latin-1) characters"
    return None


def request_problems(url: str, headers: Mapping[str, str]) -> dict[str, list[str]]:
    """Why a (rendered) webhook request can never be built or sent, in the ``errors`` shape."""
    errors: dict[str, list[str]] = {}
    problem = url_problem(url)
    if problem is not None:
        errors["request.url"] = [problem]
    header_problems = [
        p for p in (header_problem(str(k), str(v)) for k, v in headers.items()) if p is not None
    ]
    if header_problems:
        errors["request.headers"] = header_problems
    return errors


def check_request(
    url: str, method: str, policy: WebhookPolicy, resolve: Resolver = system_resolver
) -> Verdict:
    """Check method, host (by name and by resolved address) and scheme of a webhook request."""
    errors: dict[str, list[str]] = {}
    if method.upper() not in policy.methods:
        errors["request.method"] = [f"must be {' or '.join(policy.methods)}. {_SEE_DOC}"]
    problem = url_problem(url)
    if problem is not None:
        errors["request.url"] = [problem]
        return Verdict(errors)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in ("http", "https") or not host:
        errors["request.url"] = [
            f"Invalid URL '{redact_url(url)}'. Expected format: https://example.org"
        ]
        return Verdict(errors)
    host_refused = f"host must be in the whitelist {', '.join(policy.hosts)}. {_SEE_DOC}"
    addresses: list[str] = []
    if not any(_name_matches(entry, host) for entry in policy.hosts):
        errors["request.url"] = [host_refused]
        return Verdict(errors)
    try:
        addresses = [host] if _ip(host) is not None else resolve(host)
    except OSError:
        addresses = []
    if not addresses:
        errors["request.url"] = [f"host {host} could not be resolved"]
        return Verdict(errors)
    if not all(any(_address_matches(e, a) for e in policy.hosts) for a in addresses):
        errors["request.url"] = [host_refused]
        return Verdict(errors)
    scheme = parts.scheme.lower()
    loopback_http = (
        scheme == "http" and policy.http_to_loopback and all(map(_is_loopback, addresses))
    )
    if scheme not in policy.schemes and not loopback_http:
        errors["request.url"] = [f"scheme must be {' or '.join(policy.schemes)}. {_SEE_DOC}"]
    return Verdict(errors, tuple(addresses))


def parse_retry_schedule(text: str) -> tuple[float, ...]:
    """Seconds to wait before each retry, from ``"10 60 120"`` (commas allowed)."""
    return tuple(float(part) for part in text.replace(",", " ").split())


def retry_delay(attempts_made: int, schedule: tuple[float, ...]) -> float | None:
    """Seconds until the next attempt after ``attempts_made`` failures; ``None``: give up.

    As the official broker: one first attempt, then one retry per schedule entry.
    """
    index = attempts_made - 1
    return schedule[index] if 0 <= index < len(schedule) else None


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers with Authorization/token values hidden (template placeholders are shown)."""
    return {
        name: REDACTED
        if _SENSITIVE_HEADER.search(name) and not includes_parameter(value)
        else value
        for name, value in headers.items()
    }


def _netloc_without_password(parts: SplitResult) -> str:
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port is not None else ""
    user = f"{parts.username}:{REDACTED}@" if parts.username is not None else ""
    if parts.password is None and parts.username is not None:
        user = f"{parts.username}@"
    return f"{user}{host}{port}"


def redact_url(url: str) -> str:
    """The URL with a userinfo password and token-like query values hidden."""
    try:
        parts = urlsplit(url)
        netloc = _netloc_without_password(parts) if parts.password is not None else parts.netloc
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            if any(_SENSITIVE_QUERY.search(k) for k, _ in pairs):
                query = urlencode(
                    [(k, REDACTED if _SENSITIVE_QUERY.search(k) else v) for k, v in pairs],
                    safe="*",
                )
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:
        return REDACTED


def secrets_of(headers: Mapping[str, str], url: str, password: str | None) -> list[str]:
    """Secret values of a request, to scrub from logs even where a server echoes them back."""
    values = [v for k, v in headers.items() if _SENSITIVE_HEADER.search(k)]
    try:
        parts = urlsplit(url)
        if parts.password:
            values.append(parts.password)
        values.extend(v for k, v in parse_qsl(parts.query) if _SENSITIVE_QUERY.search(k))
    except ValueError:
        pass
    if password:
        values.append(password)
    secrets = {s for s in values if len(s) >= 4 and not includes_parameter(s)}
    for secret in list(secrets):
        secrets.update(
            part
            for part in secret.split()
            if len(part) >= 4 and part.lower() not in ("basic", "bearer", "token")
        )
    return sorted(secrets, key=len, reverse=True)


def scrub(text: str, secrets: list[str]) -> str:
    """The text with every secret value replaced by ``**********``."""
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text
