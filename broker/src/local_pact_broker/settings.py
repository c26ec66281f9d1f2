"""Runtime configuration, read from the environment (prefix ``PACT_BROKER_``)."""

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the broker listens and keeps its data; every field can be set by environment."""

    model_config = SettingsConfigDict(env_prefix="PACT_BROKER_", frozen=True)

    host: str = "127.0.0.1"
    port: int = 9292
    database: Path = Path(".broker/broker.sqlite3")
    max_body_bytes: int = 5 * 1024 * 1024
