"""A catalogue of provider changes, each a small text edit to a scratch copy of provider/src.

The catch matrix applies each change and asks every gate whether it notices. Each edit names
the exact text it replaces and fails loudly when that text is gone: after a refactor of the
provider the catalogue must be updated, never silently apply nothing.
"""

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

MODELS = "user_service/models.py"
USERS_ROUTE = "user_service/routes/users.py"
HEALTH_ROUTE = "user_service/routes/health.py"

ID_FIELD = '    id: int = Field(gt=0, description="The user\'s numeric id.")\n'
NAME_FIELD = '    name: str = Field(description="The user\'s display name.")\n'
EMAIL_FIELD = '    email: str = Field(description="The user\'s email address.")\n'
USER_CONFIG = "    model_config = ConfigDict(frozen=True)\n"
HEALTH_STATUS_FIELD = (
    '    status: str = Field(description="`ok` when the service can read its database.")\n'
)
FASTAPI_IMPORT = "from fastapi import APIRouter, HTTPException, Path, status\n"
NOT_FOUND = (
    '        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"User {user_id} not found")\n'
)
NOT_FOUND_DECLARED = (
    "    responses={status.HTTP_404_NOT_FOUND: "
    '{"model": ErrorMessage, "description": "No such user"}},\n'
)


class Impact(Enum):
    """What a change does to the consumer, which decides the gate that must catch it."""

    BREAKS = "breaks"  # the pact's own requests now get answers the consumer cannot use
    WIDENS = "widens"  # answers unchanged today; the spec now allows ones that break it
    SAFE = "safe"  # the consumer is unaffected
    NONE = "none"  # the control row: nothing changed


@dataclass(frozen=True)
class Edit:
    """Replace ``anchor`` (which must occur exactly once) in one file under provider/src."""

    file: str
    anchor: str
    replacement: str


@dataclass(frozen=True)
class ProviderChange:
    """One named change: what it is, what it does to the consumer, and how it is made."""

    slug: str
    title: str
    impact: Impact
    edits: tuple[Edit, ...]


class ChangeDoesNotApplyError(Exception):
    """An edit's anchor text is not in the provider (any more): update the catalogue."""


def apply_change(change: ProviderChange, source_root: Path) -> None:
    """Apply every edit of ``change`` to the copy of provider/src at ``source_root``."""
    for edit in change.edits:
        path = source_root / edit.file
        text = path.read_text(encoding="utf-8")
        count = text.count(edit.anchor)
        if count != 1:
            raise ChangeDoesNotApplyError(
                f"change {change.slug!r}: expected this text exactly once in "
                f"provider/src/{edit.file}, found it {count} times: {edit.anchor!r}. "
                "Update scripts/provider_changes.py to the provider's current code."
            )
        path.write_text(text.replace(edit.anchor, edit.replacement), encoding="utf-8")


CATALOGUE = (
    ProviderChange("unchanged", "the committed provider, untouched (control)", Impact.NONE, ()),
    ProviderChange(
        "rename-name-in-model",
        "`name` serialised as `username` by the response model",
        Impact.BREAKS,
        (
            Edit(
                MODELS,
                NAME_FIELD,
                '    name: str = Field(serialization_alias="username", '
                'description="The user\'s display name.")\n',
            ),
        ),
    ),
    ProviderChange(
        "rename-name-bypassing-model",
        "`name` sent as `username` by a handler that returns its own JSONResponse",
        Impact.BREAKS,
        (
            Edit(
                USERS_ROUTE,
                FASTAPI_IMPORT,
                FASTAPI_IMPORT + "from fastapi.responses import JSONResponse\n",
            ),
            Edit(
                USERS_ROUTE,
                "    return user\n",
                "    return JSONResponse("
                '{"id": user.id, "username": user.name, "email": user.email})\n',
            ),
        ),
    ),
    ProviderChange(
        "id-becomes-string",
        "`id` becomes a string (numbers coerced, so storage still works)",
        Impact.BREAKS,
        (
            Edit(MODELS, ID_FIELD, '    id: str = Field(description="The user\'s id.")\n'),
            Edit(
                MODELS,
                USER_CONFIG,
                "    model_config = ConfigDict(frozen=True, coerce_numbers_to_str=True)\n",
            ),
        ),
    ),
    ProviderChange(
        "email-removed",
        "`email` no longer sent (`exclude=True`: still stored, never serialised)",
        Impact.BREAKS,
        (
            Edit(
                MODELS,
                EMAIL_FIELD,
                '    email: str = Field(exclude=True, description="The user\'s email address.")\n',
            ),
        ),
    ),
    ProviderChange(
        "email-optional",
        "`email` becomes optional (defaults to empty; every stored user still has one)",
        Impact.WIDENS,
        (
            Edit(
                MODELS,
                EMAIL_FIELD,
                '    email: str = Field(default="", description="The user\'s email, if known.")\n',
            ),
        ),
    ),
    ProviderChange(
        "email-nullable",
        "`email` becomes nullable (still required; every stored user still has one)",
        Impact.WIDENS,
        (
            Edit(
                MODELS,
                EMAIL_FIELD,
                '    email: str | None = Field(description="The user\'s email, if known.")\n',
            ),
        ),
    ),
    ProviderChange(
        "not-found-becomes-empty-200",
        "an unknown user gets 200 with an empty body instead of 404 (declaration removed)",
        Impact.BREAKS,
        (
            Edit(
                USERS_ROUTE,
                FASTAPI_IMPORT,
                "from fastapi import APIRouter, Path, Response, status\n",
            ),
            Edit(USERS_ROUTE, NOT_FOUND_DECLARED, ""),
            Edit(
                USERS_ROUTE,
                NOT_FOUND,
                "        return Response(status_code=status.HTTP_200_OK)\n",
            ),
        ),
    ),
    ProviderChange(
        "status-200-becomes-201",
        "a found user is answered with 201 instead of 200",
        Impact.BREAKS,
        (
            Edit(
                USERS_ROUTE,
                "    response_model=User,\n",
                "    response_model=User,\n    status_code=status.HTTP_201_CREATED,\n",
            ),
        ),
    ),
    ProviderChange(
        "path-users-becomes-user",
        "`/users/{user_id}` moves to `/user/{user_id}`",
        Impact.BREAKS,
        (
            Edit(
                USERS_ROUTE,
                'router = APIRouter(prefix="/users", tags=["users"])\n',
                'router = APIRouter(prefix="/user", tags=["users"])\n',
            ),
        ),
    ),
    ProviderChange(
        "new-optional-field",
        "a new optional field `nickname` on the user",
        Impact.SAFE,
        (
            Edit(
                MODELS,
                EMAIL_FIELD,
                EMAIL_FIELD
                + '    nickname: str | None = Field(default=None, description="A nickname.")\n',
            ),
        ),
    ),
    ProviderChange(
        "new-endpoint",
        "a new endpoint `GET /version`",
        Impact.SAFE,
        (
            Edit(
                HEALTH_ROUTE,
                '    return Health(status="ok")\n',
                '    return Health(status="ok")\n\n\n'
                '@router.get("/version", operation_id="get_version", summary="Service version")\n'
                "def get_version() -> dict[str, str]:\n"
                '    """The running version, for dashboards."""\n'
                '    return {"version": "1.0.0"}\n',
            ),
        ),
    ),
    ProviderChange(
        "health-status-removed",
        "`status` removed from the health check's body, which no consumer's pact reads",
        Impact.SAFE,
        (Edit(MODELS, HEALTH_STATUS_FIELD, ""),),
    ),
)
