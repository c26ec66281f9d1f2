"""Provider variants that break a consumer's contract, built only for tests.

Each variant serves the same health route and storage as production; only one user route
differs, the way a careless change to the real code would.
"""

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, HTTPException, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from user_service.app import create_app
from user_service.dependencies import UsersRepositoryDep
from user_service.models import ErrorMessage, User, UsersPage
from user_service.routes import health
from user_service.settings import Settings
from user_service.users_repository import UsersRepository


class RenamedUser(BaseModel):
    """The response model after someone renamed ``name`` to ``username``."""

    id: int
    username: str
    email: str


def _app_with(router: APIRouter, users_repository: UsersRepository) -> FastAPI:
    app = FastAPI(title="user-service", version="1.0.0")
    app.state.users_repository = users_repository
    app.include_router(router)
    app.include_router(health.router)
    return app


def create_app_with_renamed_model(users_repository: UsersRepository) -> FastAPI:
    """``name`` renamed to ``username`` in the response model: the spec changes with it."""
    router = APIRouter()

    @router.get(
        "/users/{user_id}",
        operation_id="get_user",
        response_model=RenamedUser,
        responses={404: {"model": ErrorMessage}},
    )
    def get_user(user_id: Annotated[int, Path(gt=0)], users: UsersRepositoryDep) -> RenamedUser:
        user = _find(users, user_id)
        return RenamedUser(id=user.id, username=user.name, email=user.email)

    return _app_with(router, users_repository)


def create_app_bypassing_the_model(users_repository: UsersRepository) -> FastAPI:
    """The model still says ``name``, but the handler returns its own ``username`` body."""
    router = APIRouter()

    @router.get(
        "/users/{user_id}",
        operation_id="get_user",
        response_model=User,
        responses={404: {"model": ErrorMessage}},
    )
    def get_user(user_id: Annotated[int, Path(gt=0)], users: UsersRepositoryDep) -> Any:
        user = _find(users, user_id)
        return JSONResponse({"id": user.id, "username": user.name, "email": user.email})

    return _app_with(router, users_repository)


def _find(users: UsersRepository, user_id: int) -> User:
    user = users.get(user_id)
    if user is None:
        raise HTTPException(404, detail=f"User {user_id} not found")
    return user


def _production_with(
    override: APIRouter, users_repository: UsersRepository, settings: Settings | None
) -> FastAPI:
    """The production app with ``override``'s routes first: the first route that matches answers."""
    app = create_app(settings or Settings(api_token=None), users_repository=users_repository)
    app.router.routes[:0] = override.routes
    return app


def create_app_ignoring_the_id(
    users_repository: UsersRepository, settings: Settings | None = None
) -> FastAPI:
    """``GET /users/{user_id}`` answers with the first user stored, whatever the id."""
    router = APIRouter()

    @router.get("/users/{user_id}", operation_id="get_user", response_model=User)
    def get_user(user_id: Annotated[int, Path(gt=0)], users: UsersRepositoryDep) -> User:
        first = users.page(email=None, limit=1, after_id=0).users
        if not first:
            raise HTTPException(404, detail=f"User {user_id} not found")
        return first[0]

    return _production_with(router, users_repository, settings)


def create_app_ignoring_the_email_filter(
    users_repository: UsersRepository, settings: Settings | None = None
) -> FastAPI:
    """``GET /users`` lists everyone, whatever ``email`` asks for."""
    router = APIRouter()

    @router.get("/users", operation_id="search_users", response_model=UsersPage)
    def search_users(users: UsersRepositoryDep, email: str | None = None) -> UsersPage:
        found = users.page(email=None, limit=100, after_id=0)
        return UsersPage(items=list(found.users), next_cursor=None)

    return _production_with(router, users_repository, settings)
