"""``/users``: the user lookup that consumers rely on."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status

from user_service.dependencies import UsersRepositoryDep
from user_service.models import ErrorMessage, User

router = APIRouter(prefix="/users", tags=["users"])


@router.get(
    "/{user_id}",
    operation_id="get_user",
    summary="Look up a user by id",
    response_model=User,
    responses={status.HTTP_404_NOT_FOUND: {"model": ErrorMessage, "description": "No such user"}},
)
def get_user(
    user_id: Annotated[int, Path(gt=0, description="The user's id, a positive integer.")],
    users: UsersRepositoryDep,
) -> User:
    """Return the user with this id, or 404 when there is none."""
    user = users.get(user_id)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"User {user_id} not found")
    return user
