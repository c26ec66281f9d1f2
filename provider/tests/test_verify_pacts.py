"""``just verify``: the real user-service honours every interaction its consumers rely on.

Where the pacts come from (local files, the broker, or one URL) is set by the environment;
see verification_settings.py.
"""

from pathlib import Path

import verification_settings
from pact_verification import (
    VerificationOutcome,
    verify_broker_pacts,
    verify_local_pacts,
    verify_pact_url,
)
from provider_states import provider_state_handlers
from user_service.users_repository import SqliteUsersRepository

PROVIDER = "user-service"


def test_user_service_honours_its_consumers_pacts(
    provider_url: str, users_repository: SqliteUsersRepository, pact_directory: Path
) -> None:
    handlers = provider_state_handlers(users_repository)
    broker = verification_settings.broker_verification()
    url = verification_settings.pact_url()
    outcome: VerificationOutcome
    if url:
        outcome = verify_pact_url(
            provider=PROVIDER,
            base_url=provider_url,
            pact_url=url,
            broker=broker,
            state_handlers=handlers,
        )
    elif broker:
        outcome = verify_broker_pacts(
            provider=PROVIDER, base_url=provider_url, broker=broker, state_handlers=handlers
        )
    else:
        outcome = verify_local_pacts(
            provider=PROVIDER,
            base_url=provider_url,
            pact_directory=pact_directory,
            state_handlers=handlers,
        )

    assert outcome.verified, "the verifier reported success without verifying an interaction"
    print("\n".join(["verified:", *outcome.verified]))
    for failure in outcome.pending_failures:
        print(f"pending (does not fail the build): {'; '.join(failure.reasons)}")
