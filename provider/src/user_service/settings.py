"""Runtime configuration, read from the environment (prefix ``USER_SERVICE_``)."""

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the service keeps its data; every field can be set by environment variable."""

    model_config = SettingsConfigDict(env_prefix="USER_SERVICE_", frozen=True)

    database_path: Path = Path(".data/users.sqlite3")
