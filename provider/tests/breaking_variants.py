"""Provider variants that break the notification-service contract, built only for tests.

Each variant serves the same health route and storage as production; only the user route
differs, the way a careless change to the real code would.
"""

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, HTTPException, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from user_service.dependencies import UsersRepositoryDep
from user_service.models import ErrorMessage, User
from user_service.routes import health
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
