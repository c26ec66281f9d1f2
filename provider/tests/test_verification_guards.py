"""A verification must fail loudly when it would prove nothing or when its setup is broken."""

import json
from pathlib import Path
from typing import Any

import pytest
from pact_files import PactSetupError
from pact_verification import ContractVerificationError, verify_local_pacts
from provider_states import Action, provider_state_handlers
from user_service.users_repository import SqliteUsersRepository

UNREACHABLE = "http://127.0.0.1:9"  # nothing listens: a replay there could never pass


def write_pact(directory: Path, provider: str, interactions: list[dict[str, Any]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"notification-service-{provider}.json"
    document = {
        "consumer": {"name": "notification-service"},
        "provider": {"name": provider},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def user_interaction(state: str, user_id: int = 123) -> dict[str, Any]:
    return {
        "type": "Synchronous/HTTP",
        "description": f"a request for user {user_id}",
        "providerStates": [{"name": state, "params": {"id": user_id}}],
        "request": {"method": "GET", "path": f"/users/{user_id}"},
        "response": {"status": 200},
    }


def test_a_missing_pact_directory_fails(
    tmp_path: Path, users_repository: SqliteUsersRepository
) -> None:
    with pytest.raises(PactSetupError, match=r"no pact directory .* run `just pact`"):
        verify_local_pacts(
            provider="user-service",
            base_url=UNREACHABLE,
            pact_directory=tmp_path / "absent",
            state_handlers=provider_state_handlers(users_repository),
        )


def test_pacts_for_other_providers_only_fail(
    tmp_path: Path, users_repository: SqliteUsersRepository
) -> None:
    write_pact(tmp_path, "billing-service", [user_interaction("a user exists")])

    with pytest.raises(
        PactSetupError, match=r"no pact for provider 'user-service'.*billing-service"
    ):
        verify_local_pacts(
            provider="user-service",
            base_url=UNREACHABLE,
            pact_directory=tmp_path,
            state_handlers=provider_state_handlers(users_repository),
        )


def test_a_pact_without_interactions_fails(
    tmp_path: Path, users_repository: SqliteUsersRepository
) -> None:
    write_pact(tmp_path, "user-service", [])

    with pytest.raises(PactSetupError, match="no interactions"):
        verify_local_pacts(
            provider="user-service",
            base_url=UNREACHABLE,
            pact_directory=tmp_path,
            state_handlers=provider_state_handlers(users_repository),
        )


def test_unhandled_states_are_listed_before_anything_replays(
    tmp_path: Path, users_repository: SqliteUsersRepository
) -> None:
    write_pact(
        tmp_path,
        "user-service",
        [user_interaction("a user exists"), user_interaction("the user is an admin", 7)],
    )

    with pytest.raises(PactSetupError) as raised:
        verify_local_pacts(
            provider="user-service",
            base_url=UNREACHABLE,
            pact_directory=tmp_path,
            state_handlers=provider_state_handlers(users_repository),
        )

    message = str(raised.value)
    assert "'the user is an admin'" in message
    assert "'a request for user 7'" in message
    assert "'a user exists'" not in message.split("handled states", maxsplit=1)[0]


def test_a_raising_state_handler_fails_at_once_naming_state_and_error(
    tmp_path: Path, provider_url: str, users_repository: SqliteUsersRepository
) -> None:
    write_pact(tmp_path, "user-service", [user_interaction("a user exists")])
    calls: list[Action] = []

    def broken(action: Action, parameters: Any) -> None:
        calls.append(action)
        raise ZeroDivisionError("seed data is broken")

    handlers = {**provider_state_handlers(users_repository), "a user exists": broken}

    with pytest.raises(ContractVerificationError) as raised:
        verify_local_pacts(
            provider="user-service",
            base_url=provider_url,
            pact_directory=tmp_path,
            state_handlers=handlers,
        )

    assert "provider state 'a user exists' (setup) raised ZeroDivisionError" in str(raised.value)
    assert "seed data is broken" in str(raised.value)
    assert calls == ["setup"], f"the handler was retried or called again: {calls}"
