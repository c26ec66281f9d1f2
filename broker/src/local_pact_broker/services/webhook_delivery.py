"""Sending webhook requests: one attempt (with a redacted log), and the background worker.

The worker is one daemon thread started and stopped with the app. It sleeps until the earliest
pending delivery is due (or until woken by a new trigger), sends it, logs the attempt and
schedules the retry, all in SQLite, so nothing is lost between attempts or across restarts.
"""

import base64
import http.client
import json
import logging
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from local_pact_broker.db import webhooks_repository as webhooks
from local_pact_broker.db.records import TriggeredWebhookRecord
from local_pact_broker.db.storage import Database
from local_pact_broker.domain.webhook_policy import (
    Resolver,
    WebhookPolicy,
    check_request,
    redact_headers,
    redact_url,
    request_problems,
    response_hidden_message,
    retry_delay,
    scrub,
    secrets_of,
    sendable_url,
    system_resolver,
)
from local_pact_broker.domain.webhook_templates import render_body, render_template, render_url

logger = logging.getLogger(__name__)
SUCCESS_CODES = range(200, 300)
# Sent with every webhook request. The User-Agent is the official broker's own
# ("Pact Broker v#{VERSION}", ``config/runtime_configuration.rb``) for the 2.119 API served here,
# not this package's name: ``pact broker test-webhook`` prints the request's headers and log,
# and the official transcript (S154) shows this value, which the CLI parity requires.
DEFAULT_HEADERS = {"Accept": "*/*", "User-Agent": "Pact Broker v2.119.0"}
_MAX_LOGGED_BODY = 10_000


@dataclass(frozen=True)
class RenderedRequest:
    """A webhook request with every template variable substituted."""

    method: str
    url: str
    headers: dict[str, str]
    body: str | None
    username: str | None = None
    password: str | None = None

    @classmethod
    def render(cls, template: Mapping[str, Any], context: Mapping[str, str]) -> "RenderedRequest":
        """Render a stored webhook request (``{"method", "url", "headers", ...}``)."""
        headers = {
            str(k): render_template(str(v), context)
            for k, v in (template.get("headers") or {}).items()
        }
        username, password = template.get("username"), template.get("password")
        return cls(
            method=str(template.get("method", "POST")).upper(),
            url=render_url(str(template.get("url", "")), context),
            headers=headers,
            body=render_body(template.get("body"), context),
            username=render_template(username, context) if isinstance(username, str) else None,
            password=render_template(password, context) if isinstance(password, str) else None,
        )

    def secrets(self) -> list[str]:
        """Values that must never appear in a log or a response."""
        return secrets_of(self.headers, self.url, self.password)


@dataclass
class ExecutionResult:
    """What one attempt did, in the official ``execute`` result's terms."""

    success: bool
    request: dict[str, Any]
    response: dict[str, Any] | None = None
    error: str | None = None
    logs: list[str] = field(default_factory=list)
    # The request can never be built or sent as it is: retrying would fail the same way.
    permanent: bool = False
    # The error came from the target (network or response), which the policy does not show.
    detail_hidden: bool = False

    @property
    def log_text(self) -> str:
        """The log as the official broker shows it: one timestamped line per entry."""
        return "\n".join(self.logs) + "\n"


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a vetted address while verifying the certificate for the URL's host name."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _json_or_text(text: str) -> Any:  # noqa: ANN401 - any JSON value
    try:
        return json.loads(text)
    except ValueError:
        return text


def _path_of(url: str) -> str:
    """The request target (path and query) of a URL, as the official result shows it."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def stamp() -> str:
    """The time of a log line."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _one_line(text: str) -> str:
    """Text for one log line: CR, LF and other controls escaped so a value cannot forge lines."""
    return "".join(c if c.isprintable() or c == "\t" else repr(c)[1:-1] for c in text)


def storable(text: str) -> str:
    """Text SQLite and a UTF-8 response can hold (a lone surrogate becomes ``?``)."""
    return text.encode("utf-8", errors="replace").decode("utf-8")


def _send(
    request: RenderedRequest, headers: dict[str, str], address: str, timeout: float
) -> tuple[http.client.HTTPResponse, str]:
    """Send to the vetted address (never re-resolving the name); the response and its text."""
    parts = urlsplit(sendable_url(request.url))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection: http.client.HTTPConnection
    if parts.scheme.lower() == "https":
        connection = _PinnedHTTPSConnection(
            parts.hostname or "", address, parts.port or 443, timeout
        )
    else:
        connection = http.client.HTTPConnection(address, parts.port or 80, timeout=timeout)
    body = (request.body or "").encode()
    try:
        connection.putrequest(request.method, path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", parts.netloc.rsplit("@", 1)[-1])
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response, response.read(1_000_000).decode(errors="replace")
    finally:
        connection.close()


def execute(
    request: RenderedRequest,
    policy: WebhookPolicy,
    timeout: float,
    resolve: Resolver = system_resolver,
    *,
    uuid: str = "",
    base_url: str = "",
) -> ExecutionResult:
    """Send the request once, if the policy allows it now; never raises for network errors.

    What the target answered (or the network error) is logged and returned only when the
    policy shows responses; otherwise the official notice takes its place.
    """
    secrets = request.secrets()
    given = {name.lower() for name in request.headers}
    headers = {k: v for k, v in DEFAULT_HEADERS.items() if k.lower() not in given}
    headers.update(request.headers)
    if request.username is not None:
        token = f"{request.username}:{request.password or ''}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(token).decode()
        secrets = sorted({*secrets, headers["Authorization"].split()[1]}, key=len, reverse=True)
    shown_body = _json_or_text(scrub(request.body, secrets)) if request.body else None
    shown_headers = {name.lower(): value for name, value in redact_headers(headers).items()}
    shown_url = redact_url(request.url)
    shown = {"headers": shown_headers, "body": shown_body, "url": _path_of(shown_url)}
    result = ExecutionResult(success=False, request=shown)
    log = result.logs.append
    log(f"[{stamp()}] INFO: HTTP/1.1 {_one_line(request.method)} {_one_line(shown_url)}")
    for name, value in shown_headers.items():
        log(f"[{stamp()}] INFO: {_one_line(name)}: {_one_line(value)}")
    if request.body:
        log(f"[{stamp()}] INFO: {scrub(request.body, secrets)[:_MAX_LOGGED_BODY]}")
    problems = request_problems(request.url, headers)
    if problems:
        reasons = "; ".join(m for messages in problems.values() for m in messages)
        result.error = f"The webhook request cannot be sent: {_one_line(reasons)}"
        result.permanent = True
        log(f"[{stamp()}] ERROR: {result.error}")
        return result
    verdict = check_request(request.url, request.method, policy, resolve)
    if not verdict.allowed:
        reasons = "; ".join(m for messages in verdict.errors.values() for m in messages)
        result.error = f"Request refused by the webhook whitelist: {reasons}"
        log(f"[{stamp()}] ERROR: {result.error}")
        return result
    try:
        response, text = _send(request, headers, verdict.addresses[0], timeout)
    except ValueError as error:  # includes UnicodeError: the request cannot be built
        result.error = f"The webhook request cannot be sent: {type(error).__name__} - " + (
            _one_line(scrub(str(error), secrets))
        )
        result.permanent = True
        log(f"[{stamp()}] ERROR: {result.error}")
        return result
    except (OSError, http.client.HTTPException) as error:
        result.error = f"{type(error).__name__} - {scrub(str(error), secrets)}"
        webhook = f"webhook {uuid}" if uuid else "webhook"
        if policy.show_response:
            log(f"[{stamp()}] ERROR: Error executing {webhook} {result.error}")
        else:
            result.detail_hidden = True
            hidden = response_hidden_message(base_url)
            log(f"[{stamp()}] ERROR: Error executing {webhook}. {hidden}")
        return result
    _record_response(result, response, text, secrets, (policy.show_response, base_url))
    return result


def _record_response(
    result: ExecutionResult,
    response: http.client.HTTPResponse,
    text: str,
    secrets: list[str],
    showing: tuple[bool, str],
) -> None:
    """Success by status; the response (secrets scrubbed) logged only if the policy shows it.

    ``showing`` is (whether responses are shown, the base URL for the notice if not).
    """
    log = result.logs.append
    shown, base_url = showing
    text = scrub(text, secrets)
    response_headers = {k.lower(): scrub(v, secrets) for k, v in response.getheaders()}
    result.response = {
        "status": response.status,
        "headers": response_headers,
        "body": _json_or_text(text),
    }
    result.success = response.status in SUCCESS_CODES
    if not shown:
        log(f"[{stamp()}] INFO: {response_hidden_message(base_url)}")
        return
    log(f"[{stamp()}] INFO: HTTP/1.1 {response.status} {response.reason}")
    for name, value in response_headers.items():
        log(f"[{stamp()}] INFO: {name}: {value}")
    log(f"[{stamp()}] INFO: {text[:_MAX_LOGGED_BODY]}")
    if not result.success:
        log(f"[{stamp()}] ERROR: HTTP status {response.status} is not a success (2xx)")


class WebhookWorker:
    """Delivers due webhooks in a background thread, retrying on the configured schedule."""

    def __init__(
        self,
        database: Database,
        policy: WebhookPolicy,
        schedule: tuple[float, ...],
        timeout: float,
        resolve: Resolver = system_resolver,
    ) -> None:
        self._database = database
        self._policy = policy
        self._schedule = schedule
        self._timeout = timeout
        self._resolve = resolve
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start delivering (pending deliveries from an earlier run are picked up too)."""
        with self._lock:
            if self._thread is not None or self._stopping.is_set():
                return
            self._thread = threading.Thread(target=self._run, name="webhook-worker", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the attempt in progress; pending deliveries stay queued in SQLite."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wake(self) -> None:
        """Look for due deliveries now (called after new deliveries are queued)."""
        if not self._stopping.is_set():
            self.start()
        self._wake.set()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                delivered = self.deliver_due()
                with self._database.reading() as db:
                    due = webhooks.next_due_at(db)
            except Exception:
                logger.exception("webhook worker failed; retrying in 1 s")
                delivered, due = 0, time.time() + 1
            if delivered:
                continue
            wait = 60.0 if due is None else max(0.0, min(60.0, due - time.time()))
            self._wake.wait(wait)
            self._wake.clear()

    def deliver_due(self) -> int:
        """Send every delivery due now; returns how many were attempted."""
        with self._database.reading() as db:
            due = webhooks.due_triggers(db, time.time())
        for trigger in due:
            if self._stopping.is_set():
                break
            try:
                self._deliver(trigger)
            except Exception as error:
                # Never let one delivery stop the queue: record it as failed and go on.
                logger.exception("webhook delivery %s failed", trigger.uuid)
                self._record_crash(trigger, error)
        return len(due)

    def _record_crash(self, trigger: TriggeredWebhookRecord, error: Exception) -> None:
        message = _one_line(f"{type(error).__name__} - {error}")
        logs = (
            f"[{stamp()}] ERROR: The webhook request could not be built or sent: {message}\n"
            f"[{stamp()}] INFO: Attempt {trigger.attempts_made + 1} failed; giving up\n"
        )
        try:
            with self._database.writing() as db:
                webhooks.record_attempt(db, trigger.id, False, storable(logs), None)
        except Exception:
            logger.exception("could not record the failure of webhook delivery %s", trigger.uuid)

    def _deliver(self, trigger: TriggeredWebhookRecord) -> None:
        with self._database.reading() as db:
            webhook = webhooks.find_webhook(db, trigger.webhook_uuid)
        context = json.loads(trigger.context)
        attempt = trigger.attempts_made + 1
        if webhook is None:
            result = ExecutionResult(False, {}, error="The webhook was deleted")
            result.logs.append(f"[{stamp()}] ERROR: {result.error}")
            delay = None
        else:
            rendered = RenderedRequest.render(webhook.request, context)
            result = execute(
                rendered, self._policy, self._timeout, self._resolve, uuid=webhook.uuid
            )
            finished = result.success or result.permanent
            delay = None if finished else retry_delay(attempt, self._schedule)
        if not result.success:
            note = "giving up" if delay is None else f"retrying in {delay:g} seconds"
            result.logs.append(f"[{stamp()}] INFO: Attempt {attempt} failed; {note}")
        logger.info(
            "webhook %s attempt %d: %s",
            trigger.webhook_uuid,
            attempt,
            "success" if result.success else "failure",
        )
        next_at = None if delay is None else time.time() + delay
        with self._database.writing() as db:
            webhooks.record_attempt(
                db, trigger.id, result.success, storable(result.log_text), next_at
            )
