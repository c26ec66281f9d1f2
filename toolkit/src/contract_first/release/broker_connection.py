"""Which Pact Broker to talk to, and how to authenticate, from the standard Pact variables.

``PACT_BROKER_BASE_URL`` picks the broker (the local one, an official Pact Broker or PactFlow);
``PACT_BROKER_TOKEN`` or ``PACT_BROKER_USERNAME``/``PACT_BROKER_PASSWORD`` authenticate.
Secrets are held here and passed on in environment variables, never in arguments or output.
An empty credential variable counts as unset: GitHub Actions sets ``PACT_BROKER_TOKEN=""``
for a secret the repository does not have, and a tool that sent that as a bearer token would
be refused where basic auth was meant.
"""

import os
import ssl
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit

import httpx

from contract_first.errors import UsageError
from contract_first.release.verb_hints import start_local_broker

CREDENTIAL_VARIABLES = ("PACT_BROKER_TOKEN", "PACT_BROKER_USERNAME", "PACT_BROKER_PASSWORD")


@cache
def tls_context() -> ssl.SSLContext:
    """The TLS settings httpx uses by default (certifi, or SSL_CERT_FILE/SSL_CERT_DIR), built once.

    Each build parses the whole CA bundle (~50 ms of CPU), and a verb opens several clients.
    """
    return httpx.create_ssl_context()


def local_broker_hint() -> str:
    """How to get a broker: start the local one (the verbs find it), or name one."""
    return f"start one with {start_local_broker()} (the verbs find it), or set PACT_BROKER_BASE_URL"


class BrokerConnectionError(UsageError):
    """The broker is not configured, not reachable, or refused the credentials."""


@dataclass(frozen=True)
class BrokerConnection:
    """A broker's base URL and credentials; ``repr`` never shows the secrets."""

    base_url: str
    token: str | None = field(default=None, repr=False)
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, default_base_url: str | None = None
    ) -> "BrokerConnection":
        """Read the standard variables; raise with what to set when they are missing or bad.

        ``default_base_url`` (the configuration's ``broker.base-url``) applies only when
        ``PACT_BROKER_BASE_URL`` is not set: the environment always wins.
        """
        env = os.environ if environ is None else environ
        base_url = (env.get("PACT_BROKER_BASE_URL") or default_base_url or "").strip().rstrip("/")
        if not base_url:
            raise BrokerConnectionError(f"PACT_BROKER_BASE_URL is not set: {local_broker_hint()}")
        parts = urlsplit(base_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise BrokerConnectionError(
                f"PACT_BROKER_BASE_URL must be an http(s) URL like http://127.0.0.1:9292, "
                f"not {base_url!r}"
            )
        if parts.username or parts.password:
            raise BrokerConnectionError(
                "PACT_BROKER_BASE_URL must not carry credentials: "
                "use PACT_BROKER_USERNAME/PACT_BROKER_PASSWORD or PACT_BROKER_TOKEN"
            )
        token, username, password = (env.get(name) or None for name in CREDENTIAL_VARIABLES)
        if token and (username or password):
            raise BrokerConnectionError(
                "set PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/PASSWORD, not both"
            )
        if bool(username) != bool(password):
            raise BrokerConnectionError("PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD go together")
        return cls(base_url=base_url, token=token, username=username, password=password)

    def auth(self) -> httpx.Auth | None:
        """The httpx authentication for these credentials, if any."""
        if self.token:
            return _BearerAuth(self.token)
        if self.username and self.password:
            return httpx.BasicAuth(self.username, self.password)
        return None

    def client(self, timeout: float = 10.0) -> httpx.Client:
        """An HTTP client that speaks HAL to this broker with these credentials."""
        return httpx.Client(
            base_url=self.base_url,
            auth=self.auth(),
            verify=tls_context(),
            timeout=timeout,
            headers={"Accept": "application/hal+json, application/json"},
        )

    def environment(self) -> dict[str, str]:
        """The variables the official CLI and verifier read, for a child process."""
        variables = {"PACT_BROKER_BASE_URL": self.base_url}
        if self.token:
            variables["PACT_BROKER_TOKEN"] = self.token
        if self.username and self.password:
            variables["PACT_BROKER_USERNAME"] = self.username
            variables["PACT_BROKER_PASSWORD"] = self.password
        return variables

    def child_environment(self, inherited: Mapping[str, str]) -> dict[str, str]:
        """``inherited`` with these credentials in place of any credential variable it holds.

        The official CLI reads the variables itself, and takes an empty ``PACT_BROKER_TOKEN``
        (a missing GitHub secret) for a bearer token; so none is inherited, only ours are set.
        """
        kept = {key: value for key, value in inherited.items() if key not in CREDENTIAL_VARIABLES}
        return {**kept, **self.environment()}

    def secrets(self) -> tuple[str, ...]:
        """The values no output may show."""
        return tuple(secret for secret in (self.token, self.password) if secret)

    def check_reachable(self) -> dict[str, object]:
        """Fetch the index; raise with the cause and the fix when the broker cannot be used."""
        try:
            with self.client(timeout=5.0) as client:
                response = client.get("/")
        except httpx.TransportError as error:
            raise BrokerConnectionError(
                f"cannot reach the Pact Broker at {self.base_url} ({type(error).__name__}): "
                f"check that it runs and that PACT_BROKER_BASE_URL names it; for a local one, "
                f"run {start_local_broker()}"
            ) from error
        if response.status_code in {401, 403}:
            raise BrokerConnectionError(
                f"the Pact Broker at {self.base_url} refused the credentials "
                f"({response.status_code}): check PACT_BROKER_TOKEN or "
                "PACT_BROKER_USERNAME/PACT_BROKER_PASSWORD"
            )
        if response.status_code != 200:
            raise BrokerConnectionError(
                f"the Pact Broker at {self.base_url} answered GET / with "
                f"{response.status_code}: check that PACT_BROKER_BASE_URL is the broker's base URL"
            )
        try:
            index: dict[str, object] = response.json()
        except ValueError as error:
            raise BrokerConnectionError(
                f"{self.base_url} answered GET / with something that is not a Pact Broker index"
            ) from error
        return index


class _BearerAuth(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request
