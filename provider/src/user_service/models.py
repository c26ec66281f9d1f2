"""The wire models: what the API promises, and so what the OpenAPI document declares."""

from pydantic import BaseModel, ConfigDict, Field

# The same shape the consumers' pacts match emails with: something@domain.tld, no spaces.
# email-validator is not a dependency, so this pattern is the whole check. `\s` alone means
# different things in Python (which enforces it) and in JSON Schema's ECMA dialect (which
# clients and fuzzers read): naming the control characters and U+FEFF too makes both refuse
# the same strings.
_NOT_IN_EMAIL_PART = r"[^@\s\x00-\x1f\x7f-\x9f\ufeff]"
EMAIL_PATTERN = rf"^{_NOT_IN_EMAIL_PART}+@{_NOT_IN_EMAIL_PART}+\.{_NOT_IN_EMAIL_PART}+$"
# Not blank: one character that no dialect calls whitespace (Python's strip also takes
# U+001C-U+001F and U+0085, which ECMA's `\s` does not), as the spec has to say it.
NOT_BLANK_PATTERN = r"[^\s\x1c-\x1f\x85]"


class User(BaseModel):
    """A user as every ``/users`` endpoint returns it."""

    model_config = ConfigDict(frozen=True)

    id: int = Field(gt=0, description="The user's numeric id.")
    name: str = Field(description="The user's display name.")
    email: str = Field(description="The user's email address.")


class NewUser(BaseModel):
    """The body of ``POST /users``: the caller picks name and email, the service the id."""

    # Unknown keys are refused, not dropped: a misspelt field must not pass silently.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(
        min_length=1,
        max_length=200,
        pattern=NOT_BLANK_PATTERN,
        description="The new user's display name, not blank.",
    )
    email: str = Field(
        max_length=254,
        pattern=EMAIL_PATTERN,
        description="The new user's email address; no other user may have it.",
    )


class UsersPage(BaseModel):
    """One page of ``GET /users``: the users in id order, and where the next page starts."""

    items: list[User] = Field(description="The users on this page, in ascending id order.")
    next_cursor: str | None = Field(
        description=(
            "Pass as `cursor` to get the next page; null on the last page. Opaque: "
            "send it back unchanged, never build one."
        )
    )


class ErrorMessage(BaseModel):
    """The body of an error the service reports itself (e.g. an unknown user)."""

    detail: str = Field(description="What went wrong, in words.")


class Health(BaseModel):
    """The body of the health check."""

    status: str = Field(description="`ok` when the service can read its database.")
