"""The app factory: one place that wires settings, storage and routes together."""

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError

from user_service.method_not_allowed import method_not_allowed
from user_service.routes import health, users
from user_service.settings import Settings
from user_service.users_repository import SqliteUsersRepository, UsersRepository
from user_service.validation_errors import request_validation_error

TITLE = "user-service"
VERSION = "1.1.0"


def create_app(
    settings: Settings | None = None,
    *,
    users_repository: UsersRepository | None = None,
) -> FastAPI:
    """Build the app; tests pass their own repository, production reads settings."""
    settings = settings or Settings()
    if users_repository is None:
        users_repository = SqliteUsersRepository(settings.database_path)
    app = FastAPI(
        title=TITLE,
        version=VERSION,
        description=(
            "Creates users, looks them up by id and searches them by email. "
            "Consumers: notification-service, signup-service."
        ),
        exception_handlers={
            RequestValidationError: request_validation_error,
            405: method_not_allowed,
        },
    )
    app.state.users_repository = users_repository
    app.state.api_token = settings.api_token
    app.include_router(users.router)
    app.include_router(health.router)
    return app
