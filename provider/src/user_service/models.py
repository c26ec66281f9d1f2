"""The wire models: what the API promises, and so what the OpenAPI document declares."""

from pydantic import BaseModel, ConfigDict, Field


class User(BaseModel):
    """A user as returned by ``GET /users/{user_id}``."""

    model_config = ConfigDict(frozen=True)

    id: int = Field(gt=0, description="The user's numeric id.")
    name: str = Field(description="The user's display name.")
    email: str = Field(description="The user's email address.")


class ErrorMessage(BaseModel):
    """The body of an error the service reports itself (e.g. an unknown user)."""

    detail: str = Field(description="What went wrong, in words.")


class Health(BaseModel):
    """The body of the health check."""

    status: str = Field(description="`ok` when the service can read its database.")
