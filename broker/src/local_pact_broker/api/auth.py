"""Optional authentication: basic auth and bearer tokens, each with a read-only variant.

Off unless configured with the official image's variables (``PACT_BROKER_BASIC_AUTH_*``) or
``PACT_BROKER_BEARER_TOKEN`` / ``PACT_BROKER_READ_ONLY_BEARER_TOKEN``. When on, every request
except the heartbeat needs credentials; read-only ones may only read (GET/HEAD/OPTIONS, and the
POST that asks for pacts to verify, as the official image allows). Comparisons are constant
time, and neither credentials nor the Authorization header are ever logged or echoed.
"""

import base64
import binascii
import hmac
import logging
from dataclasses import dataclass
from enum import Enum

from pydantic import SecretStr
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from local_pact_broker.api.hal import HAL_JSON
from local_pact_broker.domain import urls
from local_pact_broker.settings import Settings

logger = logging.getLogger(__name__)

PUBLIC_PATHS = frozenset({urls.HEARTBEAT.template})
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
QUERIES = (urls.PACTS_FOR_VERIFICATION,)
"""Resources whose POST only reads: read-only credentials may send it (as the official image)."""
_REALM = 'realm="Pact Broker"'


class AuthConfigurationError(ValueError):
    """Auth is half configured (e.g. a username without a password): refuse to start."""


class Access(Enum):
    """What the broker does with a request."""

    ALLOWED = "allowed"
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"


class Role(Enum):
    """What a credential may do."""

    WRITE = "write"
    READ = "read"


@dataclass(frozen=True)
class AuthConfig:
    """The configured credentials; ``None`` fields are not configured."""

    username: str | None = None
    password: SecretStr | None = None
    read_only_username: str | None = None
    read_only_password: SecretStr | None = None
    token: SecretStr | None = None
    read_only_token: SecretStr | None = None
    allow_public_read: bool = False

    @property
    def basic(self) -> bool:
        """Whether basic auth credentials are configured."""
        return self.username is not None or self.read_only_username is not None

    @property
    def bearer(self) -> bool:
        """Whether bearer tokens are configured."""
        return self.token is not None or self.read_only_token is not None


def _set(value: str | SecretStr | None) -> bool:
    if isinstance(value, SecretStr):
        return bool(value.get_secret_value())
    return bool(value)


def auth_config(settings: Settings) -> AuthConfig | None:
    """The auth configuration, ``None`` when auth is off; raises when half configured."""
    pairs = (
        ("PACT_BROKER_BASIC_AUTH_USERNAME", settings.basic_auth_username,
         "PACT_BROKER_BASIC_AUTH_PASSWORD", settings.basic_auth_password),
        ("PACT_BROKER_BASIC_AUTH_READ_ONLY_USERNAME", settings.basic_auth_read_only_username,
         "PACT_BROKER_BASIC_AUTH_READ_ONLY_PASSWORD", settings.basic_auth_read_only_password),
    )  # fmt: skip
    for user_name, user, password_name, password in pairs:
        if _set(user) != _set(password):
            present, missing = (
                (user_name, password_name) if _set(user) else (password_name, user_name)
            )
            raise AuthConfigurationError(
                f"{present} is set but {missing} is not: set both or neither"
            )
    config = AuthConfig(
        username=settings.basic_auth_username or None,
        password=settings.basic_auth_password if _set(settings.basic_auth_password) else None,
        read_only_username=settings.basic_auth_read_only_username or None,
        read_only_password=(
            settings.basic_auth_read_only_password
            if _set(settings.basic_auth_read_only_password)
            else None
        ),
        token=settings.bearer_token if _set(settings.bearer_token) else None,
        read_only_token=(
            settings.read_only_bearer_token if _set(settings.read_only_bearer_token) else None
        ),
        allow_public_read=settings.allow_public_read,
    )
    if not config.basic and not config.bearer:
        return None
    return config


def _equal(given: str, expected: str | SecretStr | None) -> bool:
    """Constant-time comparison; an unconfigured credential never matches."""
    if expected is None:
        hmac.compare_digest(given.encode(), given.encode())
        return False
    secret = expected.get_secret_value() if isinstance(expected, SecretStr) else expected
    return hmac.compare_digest(given.encode(), secret.encode())


def identify(authorization: str | None, config: AuthConfig) -> Role | None:
    """The role of the credentials in an Authorization header, or ``None``."""
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "basic" and config.basic:
        try:
            decoded = base64.b64decode(value, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        user, _, password = decoded.partition(":")
        # Both pairs are always compared, so timing does not tell which one matched.
        write = _equal(user, config.username) & _equal(password, config.password)
        read = _equal(user, config.read_only_username) & _equal(password, config.read_only_password)
        return Role.WRITE if write else Role.READ if read else None
    if scheme.lower() == "bearer" and config.bearer:
        write = _equal(value, config.token)
        read = _equal(value, config.read_only_token)
        return Role.WRITE if write else Role.READ if read else None
    return None


def is_read(method: str, path: str) -> bool:
    """Whether a request only reads (the for-verification POST is a query)."""
    method = method.upper()
    return method in READ_METHODS or (
        method == "POST" and any(resource.matches(path) for resource in QUERIES)
    )


def decide(method: str, path: str, authorization: str | None, config: AuthConfig) -> Access:
    """Allow, ask for credentials (401) or refuse (403) one request."""
    if path in PUBLIC_PATHS and method.upper() in READ_METHODS:
        return Access.ALLOWED
    reading = is_read(method, path)
    role = identify(authorization, config)
    if role is Role.WRITE or (role is Role.READ and reading):
        return Access.ALLOWED
    if role is None and reading and config.allow_public_read:
        return Access.ALLOWED
    return Access.FORBIDDEN if role is Role.READ else Access.UNAUTHENTICATED


def challenge(config: AuthConfig) -> str:
    """The ``WWW-Authenticate`` value naming every configured scheme."""
    schemes = [f"Basic {_REALM}"] if config.basic else []
    if config.bearer:
        schemes.append(f"Bearer {_REALM}")
    return ", ".join(schemes)


class AuthMiddleware:
    """ASGI middleware applying :func:`decide` before any route runs."""

    def __init__(self, app: ASGIApp, config: AuthConfig) -> None:
        self._app = app
        self._config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass allowed requests on; answer the others with 401 or 403."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        authorization = None
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                authorization = value.decode("latin-1")
        method, path = scope["method"], scope["path"]
        access = decide(method, path, authorization, self._config)
        if access is Access.ALLOWED:
            await self._app(scope, receive, send)
            return
        if access is Access.FORBIDDEN:
            logger.warning("refused %s %s: read-only credentials", method, path)
            body = {"error": "Forbidden: these credentials may only read"}
            response = JSONResponse(body, 403, media_type=HAL_JSON)
        else:
            logger.warning("refused %s %s: missing or wrong credentials", method, path)
            response = JSONResponse(
                {"error": "Unauthorized: valid credentials are required"},
                401,
                headers={"WWW-Authenticate": challenge(self._config)},
                media_type=HAL_JSON,
            )
        await response(scope, receive, send)


def install_auth(app: ASGIApp, settings: Settings) -> None:
    """Require credentials when configured; raises :class:`AuthConfigurationError` if half set."""
    config = auth_config(settings)
    if config is not None:
        app.add_middleware(AuthMiddleware, config=config)  # type: ignore[attr-defined]
