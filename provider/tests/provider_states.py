"""Provider states the consumers' pacts name, set up in-process through the repository.

The production app has no state endpoint: these handlers run inside the verifying process
and write straight to the SQLite store that the served app reads. ``contract-first verify``
finds them through ``states`` in ``[tool.contract-first.pacticipants.user-service]``.
"""

from collections.abc import Mapping
from typing import Any, cast

from fastapi import FastAPI

from contract_first.provider_app import Action, StateHandler
from user_service.models import User
from user_service.users_repository import UsersRepository


def _required(parameters: Mapping[str, Any], name: str, state: str) -> Any:
    if name not in parameters:
        raise ValueError(
            f"provider state {state!r} needs the parameter {name!r}; got {dict(parameters)}"
        )
    return parameters[name]


def provider_states(app: FastAPI) -> dict[str, StateHandler]:
    """The handlers for the app under verification, over the repository it was built with."""
    return provider_state_handlers(cast(UsersRepository, app.state.users_repository))


def provider_state_handlers(users: UsersRepository) -> dict[str, StateHandler]:
    """Map each state name a pact may use to its setup/teardown handler."""

    def a_user_exists(action: Action, parameters: Mapping[str, Any]) -> None:
        user_id = int(_required(parameters, "id", "a user exists"))
        if action == "teardown":
            users.delete(user_id)
            return
        users.save(
            User(
                id=user_id,
                name=str(parameters.get("name", "Test User")),
                email=str(parameters.get("email", f"user{user_id}@example.com")),
            )
        )

    def no_user_exists(action: Action, parameters: Mapping[str, Any]) -> None:
        user_id = int(_required(parameters, "id", "no user exists"))
        if action == "setup":
            users.delete(user_id)

    return {"a user exists": a_user_exists, "no user exists": no_user_exists}
