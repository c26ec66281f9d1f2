"""The consumer's pact catches ``name`` renamed to ``username``, however the rename is made."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from contract_first.verify.sources import LocalPacts
from contract_first.verify.verification import verify_provider
from user_service.app import create_app
from user_service.users_repository import SqliteUsersRepository, UsersRepository

from .breaking_variants import create_app_bypassing_the_model, create_app_with_renamed_model
from .provider_states import provider_state_handlers

EXPECTED = (
    "notification-service expects body.name (string) in 'a request for user 123'; "
    "user-service returned keys email, id, username"
)


@pytest.mark.parametrize(
    "create_variant",
    [create_app_with_renamed_model, create_app_bypassing_the_model],
    ids=["renamed-response-model", "handler-bypasses-model"],
)
def test_verification_fails_naming_the_renamed_field(
    create_variant: Callable[[UsersRepository], FastAPI],
    users_repository: SqliteUsersRepository,
    notification_pacts: Path,
) -> None:
    report = verify_provider(
        provider="user-service",
        app=create_variant(users_repository),
        state_handlers=provider_state_handlers(users_repository),
        source=LocalPacts(notification_pacts),
    )

    assert not report.ok
    assert f"  - {EXPECTED}" in report.headline().splitlines()
    assert [failure.description for failure in report.failures] == ["a request for user 123"], (
        "the 404 interaction does not involve the renamed field and must still pass"
    )


def _user_schema(document: dict[str, Any]) -> Any:
    schemas = document["components"]["schemas"]
    return schemas.get("User") or schemas.get("RenamedUser")


def test_only_the_renamed_model_changes_the_spec(users_repository: SqliteUsersRepository) -> None:
    """(a) shows in the spec (drift check, client types); (b) hides from it: only Pact sees it."""
    production = create_app(users_repository=users_repository).openapi()
    renamed = create_app_with_renamed_model(users_repository).openapi()
    bypassing = create_app_bypassing_the_model(users_repository).openapi()

    assert set(_user_schema(renamed)["properties"]) == {"id", "username", "email"}
    assert _user_schema(bypassing) == _user_schema(production)
