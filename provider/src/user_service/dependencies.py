"""FastAPI dependencies: how a request reaches the repository the app was built with."""

from typing import Annotated, cast

from fastapi import Depends, Request

from user_service.users_repository import UsersRepository


def get_users_repository(request: Request) -> UsersRepository:
    """The repository chosen by the app factory (see ``create_app``)."""
    return cast(UsersRepository, request.app.state.users_repository)


UsersRepositoryDep = Annotated[UsersRepository, Depends(get_users_repository)]
