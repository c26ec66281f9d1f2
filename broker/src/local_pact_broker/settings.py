"""Runtime configuration, read from the environment (prefix ``PACT_BROKER_``)."""

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the broker listens and keeps its data; every field can be set by environment."""

    model_config = SettingsConfigDict(env_prefix="PACT_BROKER_", frozen=True)

    host: str = "127.0.0.1"
    port: int = 9292
    database: Path = Path(".broker/broker.sqlite3")
    max_body_bytes: int = 5 * 1024 * 1024
    # The URL clients reach the broker at (``PACT_BROKER_BASE_URL``, as the official image).
    # When set, every link and every webhook ``pactUrl`` uses it, whatever ``Host`` or
    # ``X-Forwarded-*`` headers say; unset, links follow the URL the client used.
    base_url: str | None = None

    # Webhooks (see webhook_policy.py). Space-separated lists, as in the official image.
    webhook_host_whitelist: str = "127.0.0.1 ::1 localhost"
    webhook_scheme_whitelist: str = "https"
    # Plain http is refused like the official broker; true allows it to loopback addresses only.
    webhook_http_to_loopback: bool = False
    webhook_http_method_whitelist: str = "POST"
    webhook_retry_schedule: str = "10 60 120 300 600 1200"
    webhook_timeout_seconds: float = 10.0

    # Auth (see auth.py): off unless a credential is set; names as in the official image.
    basic_auth_username: str | None = None
    basic_auth_password: SecretStr | None = None
    basic_auth_read_only_username: str | None = None
    basic_auth_read_only_password: SecretStr | None = None
    bearer_token: SecretStr | None = None
    read_only_bearer_token: SecretStr | None = None
    allow_public_read: bool = False

    @field_validator("base_url")
    @classmethod
    def _absolute_base_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise ValueError("must be an absolute http(s) URL such as https://broker.example.org")
        return value
