"""Provider states the consumers' pacts name, set up in-process through the repository.

The production app has no state endpoint: these handlers run inside the verifying process
and write straight to the SQLite store that the served app reads. ``contract-first verify``
finds them through ``states`` in ``[tool.contract-first.pacticipants.user-service]``.

Every setup also stores a decoy: a user with another id and another email beside the one the
state names. An empty store would let a provider that ignores the id or the email filter
pass (the only user is the right one, or there is none to wrongly return); with the decoy,
such a provider answers with the wrong user, or with one where there should be none.
Teardown removes what setup stored, decoy included (and, for ``no user has the email``, a
user the interaction itself created with that email). Authentication needs no state: the
app under verification must be configured with the token the pact sends.
"""

from collections.abc import Mapping
from typing import Any, cast

from fastapi import FastAPI

from contract_first.provider_app import Action, StateHandler
from user_service.models import User
from user_service.users_repository import UsersRepository

DECOY_ID_OFFSET = 1_000_000
_MAX_ID = 2**63 - 1


def _required(parameters: Mapping[str, Any], name: str, state: str) -> Any:
    if name not in parameters:
        raise ValueError(
            f"provider state {state!r} needs the parameter {name!r}; got {dict(parameters)}"
        )
    return parameters[name]


def decoy_for(named_id: int | None) -> User:
    """The decoy stored beside the user a state names (or beside none): same shape, other data.

    Its id is derived from the named one, so teardown finds it again without bookkeeping.
    """
    base = named_id or 0
    decoy_id = base + DECOY_ID_OFFSET if base <= _MAX_ID - DECOY_ID_OFFSET else base - 1
    return User(id=decoy_id, name="Decoy User", email=f"decoy-{decoy_id}@decoy.example")


def provider_states(app: FastAPI) -> dict[str, StateHandler]:
    """The handlers for the app under verification, over the repository it was built with."""
    return provider_state_handlers(cast(UsersRepository, app.state.users_repository))


def provider_state_handlers(users: UsersRepository) -> dict[str, StateHandler]:
    """Map each state name a pact may use to its setup/teardown handler."""

    def remove_email_holder(email: str) -> None:
        holder = users.find_by_email(email)
        if holder is not None:
            users.delete(holder.id)

    def store(user: User) -> None:
        # Emails are unique: a user holding this one under another id contradicts the state.
        remove_email_holder(user.email)
        users.save(user)

    def a_user_with(state: str, *, email_required: bool) -> StateHandler:
        def handler(action: Action, parameters: Mapping[str, Any]) -> None:
            user_id = int(_required(parameters, "id", state))
            decoy = decoy_for(user_id)
            if action == "teardown":
                users.delete(user_id)
                users.delete(decoy.id)
                return
            if email_required:
                email = str(_required(parameters, "email", state))
                name = str(_required(parameters, "name", state))
            else:
                email = str(parameters.get("email", f"user{user_id}@example.com"))
                name = str(parameters.get("name", "Test User"))
            store(User(id=user_id, name=name, email=email))
            store(decoy)

        return handler

    def no_user_exists(action: Action, parameters: Mapping[str, Any]) -> None:
        user_id = int(_required(parameters, "id", "no user exists"))
        decoy = decoy_for(user_id)
        if action == "teardown":
            users.delete(decoy.id)
            return
        users.delete(user_id)
        store(decoy)

    def no_user_has_the_email(action: Action, parameters: Mapping[str, Any]) -> None:
        email = str(_required(parameters, "email", "no user has the email"))
        decoy = decoy_for(None)
        # On teardown too: a user the interaction created with this email (a signup) must
        # not outlive it and meet the next interaction.
        remove_email_holder(email)
        if action == "teardown":
            users.delete(decoy.id)
            return
        store(decoy)

    return {
        "a user exists": a_user_with("a user exists", email_required=False),
        "no user exists": no_user_exists,
        "a user has the email": a_user_with("a user has the email", email_required=True),
        "no user has the email": no_user_has_the_email,
    }
