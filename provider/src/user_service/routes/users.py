"""``/users``: look a user up by id, search users by email a page at a time, create a user."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Response, status
from fastapi.exceptions import RequestValidationError

from user_service.auth import ApiTokenRequired
from user_service.dependencies import UsersRepositoryDep
from user_service.ids import (
    CANONICAL_USER_ID,
    MAX_ID,
    MIN_ID,
    parse_canonical_id,
)
from user_service.models import ErrorMessage, NewUser, User, UsersPage
from user_service.users_repository import EmailTakenError

router = APIRouter(tags=["users"])
CURSOR_PATTERN = r"^[1-9][0-9]{0,17}$"


@router.get(
    "/users/{user_id}",
    operation_id="get_user",
    summary="Look up a user by id",
    response_model=User,
    responses={status.HTTP_404_NOT_FOUND: {"model": ErrorMessage, "description": "No such user"}},
)
def get_user(
    user_id: Annotated[
        int,
        Path(
            ge=MIN_ID,
            le=MAX_ID,
            description=(
                f"The user's id, a whole number from {MIN_ID} to {MAX_ID} in plain decimal "
                "digits (no sign, leading zeros, decimal point or spaces)."
            ),
        ),
        CANONICAL_USER_ID,
    ],
    users: UsersRepositoryDep,
) -> User:
    """Return the user with this id, or 404 when there is none."""
    user = users.get(user_id)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"User {user_id} not found")
    return user


@router.get(
    "/users",
    operation_id="search_users",
    summary="List users, optionally only the one with an email, a page at a time",
    response_model=UsersPage,
)
def search_users(
    users: UsersRepositoryDep,
    email: Annotated[
        str | None, Query(description="Only the user with exactly this email address.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="At most this many users.")] = 20,
    cursor: Annotated[
        str | None,
        Query(
            description="The previous page's `next_cursor`; omit it for the first page.",
            # Documented, not enforced here: `_after_id` refuses with a message that says what
            # a cursor is, instead of pydantic's "should match pattern". A pattern cannot say
            # "at most 2^63-1", so it promises 18 digits: a bit less than the service takes.
            json_schema_extra={"pattern": CURSOR_PATTERN},
        ),
    ] = None,
) -> UsersPage:
    """Return one page of users in id order, and the cursor of the next page if there is one."""
    found = users.page(email=email, limit=limit, after_id=_after_id(cursor))
    next_cursor = None if found.next_after_id is None else str(found.next_after_id)
    return UsersPage(items=list(found.users), next_cursor=next_cursor)


def _after_id(cursor: str | None) -> int:
    """The id a cursor continues after; a 422 like FastAPI's own for one we never issued."""
    if cursor is None:
        return 0
    # A cursor is the id of the last user on the previous page, so it is spelt like one.
    after_id = parse_canonical_id(cursor)
    if after_id is not None:
        return after_id
    raise RequestValidationError(
        [
            {
                "type": "value_error",
                "loc": ("query", "cursor"),
                "msg": (
                    "not a cursor this service issued: send back a page's next_cursor "
                    "unchanged, or omit cursor to start from the first page"
                ),
                "input": cursor,
            }
        ]
    )


@router.post(
    "/users",
    operation_id="create_user",
    summary="Create a user",
    status_code=status.HTTP_201_CREATED,
    response_model=User,
    dependencies=[ApiTokenRequired],
    responses={
        status.HTTP_201_CREATED: {
            "description": "Created; `Location` is the new user's URL",
            "headers": {
                "Location": {
                    "description": "The new user's path, `/users/{id}`.",
                    "schema": {"type": "string"},
                }
            },
        },
        status.HTTP_401_UNAUTHORIZED: {
            "model": ErrorMessage,
            "description": "No API token, a wrong one, or none configured on the server",
        },
        status.HTTP_409_CONFLICT: {
            "model": ErrorMessage,
            "description": "Another user already has this email",
        },
        status.HTTP_400_BAD_REQUEST: {
            "model": ErrorMessage,
            "description": "The body is not text FastAPI can read as JSON (e.g. not UTF-8)",
        },
    },
)
def create_user(new_user: NewUser, users: UsersRepositoryDep, response: Response) -> User:
    """Store a new user under a fresh id and point `Location` at it; 409 if the email is taken."""
    try:
        created = users.create(name=new_user.name, email=new_user.email)
    except EmailTakenError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from error
    response.headers["Location"] = f"/users/{created.id}"
    return created
