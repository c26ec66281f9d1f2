"""Runtime configuration, read from the environment (prefix ``PACT_BROKER_``)."""

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the broker listens and keeps its data; every field can be set by environment."""

    model_config = SettingsConfigDict(env_prefix="PACT_BROKER_", frozen=True)

    host: str = "127.0.0.1"
    port: int = 9292
    database: Path = Path(".broker/broker.sqlite3")
    max_body_bytes: int = 5 * 1024 * 1024

    # Webhooks (see webhook_policy.py). Space-separated lists, as in the official image.
    webhook_host_whitelist: str = "127.0.0.1 ::1 localhost"
    webhook_scheme_whitelist: str = "https"
    webhook_http_to_loopback: bool = True
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
