"""The app factory: one place that wires settings, storage and routes together."""

from fastapi import FastAPI

from user_service.routes import health, users
from user_service.settings import Settings
from user_service.users_repository import SqliteUsersRepository, UsersRepository

TITLE = "user-service"
VERSION = "1.0.0"


def create_app(
    settings: Settings | None = None,
    *,
    users_repository: UsersRepository | None = None,
) -> FastAPI:
    """Build the app; tests pass their own repository, production reads settings."""
    if users_repository is None:
        users_repository = SqliteUsersRepository((settings or Settings()).database_path)
    app = FastAPI(
        title=TITLE,
        version=VERSION,
        description="Looks up users by id. Consumers: notification-service.",
    )
    app.state.users_repository = users_repository
    app.include_router(users.router)
    app.include_router(health.router)
    return app
