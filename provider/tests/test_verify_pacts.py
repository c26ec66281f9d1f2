"""``just verify``: the real user-service honours every interaction in its consumers' pacts."""

from pathlib import Path

from pact_verification import verify_local_pacts
from provider_states import provider_state_handlers
from user_service.users_repository import SqliteUsersRepository

PROVIDER = "user-service"


def test_user_service_honours_its_consumers_pacts(
    provider_url: str, users_repository: SqliteUsersRepository, pact_directory: Path
) -> None:
    outcome = verify_local_pacts(
        provider=PROVIDER,
        base_url=provider_url,
        pact_directory=pact_directory,
        state_handlers=provider_state_handlers(users_repository),
    )

    assert outcome.verified, "the verifier reported success without verifying an interaction"
    print("\n".join(["verified:", *outcome.verified]))
