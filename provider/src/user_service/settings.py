"""Runtime configuration, read from the environment (prefix ``USER_SERVICE_``)."""

from pathlib import Path

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the service keeps its data, and the token that lets callers write.

    ``USER_SERVICE_API_TOKEN`` is the bearer token every write (``POST /users``) must send.
    It is optional so that a demo can serve reads without one: with no token (or a blank
    one) configured, reads work and every write is refused with 401 and a detail saying the
    server has no API token configured. The token is a ``SecretStr``: it never appears in a
    repr, a log line or an error message.
    """

    model_config = SettingsConfigDict(env_prefix="USER_SERVICE_", frozen=True)

    database_path: Path = Path(".data/users.sqlite3")
    api_token: SecretStr | None = None

    @field_validator("api_token")
    @classmethod
    def _blank_means_none(cls, token: SecretStr | None) -> SecretStr | None:
        # An empty variable (`USER_SERVICE_API_TOKEN=`) must not become a token anyone can send.
        if token is None or not token.get_secret_value().strip():
            return None
        return token
