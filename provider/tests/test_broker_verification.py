"""Verification from a Pact Broker: selectors, pending pacts, published results, one-URL mode.

Each test runs a real local broker process, publishes the consumer's real pact with the
official CLI, and verifies the real provider (or a breaking variant) under uvicorn.
"""

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from breaking_variants import create_app_bypassing_the_model
from broker_connection import BrokerConnection, BrokerConnectionError
from live_server import serve
from local_pact_broker.app import create_app as create_broker_app
from local_pact_broker.settings import Settings as BrokerSettings
from pact_files import PactSetupError
from pact_verification import (
    BrokerVerification,
    ContractVerificationError,
    verify_broker_pacts,
    verify_pact_url,
)
from provider_states import provider_state_handlers
from pydantic import SecretStr
from release import main as release
from user_service.users_repository import SqliteUsersRepository
from verification_settings import publishing_enabled

PROVIDER = "user-service"
CONSUMER = "notification-service"


@pytest.fixture
def broker_url(tmp_path: Path) -> Iterator[str]:
    """A fresh local broker served by uvicorn in this process, over its own SQLite file."""
    app = create_broker_app(BrokerSettings(database=tmp_path / "broker.sqlite3"))
    with serve(app, health_path="/diagnostic/status/heartbeat") as url:
        yield url


@pytest.fixture
def published(
    broker_url: str, pact_directory: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """The consumer's pact, published as version c1 on main; returns the broker URL."""
    pacts = tmp_path / "pacts"
    pacts.mkdir()
    shutil.copy(pact_directory / f"{CONSUMER}-{PROVIDER}.json", pacts)
    monkeypatch.setenv("PACT_BROKER_BASE_URL", broker_url)
    monkeypatch.setenv("PACT_CONSUMER_VERSION", "c1")
    monkeypatch.setenv("PACT_CONSUMER_BRANCH", "main")
    assert release(["publish", str(pacts)]) == 0
    return broker_url


def settings(url: str, version: str, *, publish: bool = True) -> BrokerVerification:
    return BrokerVerification(
        connection=BrokerConnection(base_url=url),
        provider_version=version,
        provider_branch="main",
        include_wip_pacts_since="2026-01-01",
        publish_results=publish,
    )


def verification_success(url: str, provider_version: str) -> bool | None:
    """What the broker's matrix records for consumer c1 and this provider version."""
    # urlencode keeps the pairs in order (httpx groups repeated keys), as the matrix needs.
    query = urlencode(
        [
            ("q[][pacticipant]", CONSUMER),
            ("q[][version]", "c1"),
            ("q[][pacticipant]", PROVIDER),
            ("q[][version]", provider_version),
            ("latestby", "cvpv"),
        ]
    )
    matrix = httpx.get(f"{url}/matrix?{query}").json()
    assert "matrix" in matrix, f"the broker refused the matrix query: {matrix}"
    results = [
        row["verificationResult"] for row in matrix["matrix"] if row.get("verificationResult")
    ]
    return results[-1]["success"] if results else None


def test_verifies_the_brokers_pacts_and_publishes_the_result(
    published: str, provider_url: str, users_repository: SqliteUsersRepository
) -> None:
    outcome = verify_broker_pacts(
        provider=PROVIDER,
        base_url=provider_url,
        broker=settings(published, "p1"),
        state_handlers=provider_state_handlers(users_repository),
    )

    assert len(outcome.verified) == 2
    assert verification_success(published, "p1") is True


def test_results_are_not_published_unless_asked(
    published: str, provider_url: str, users_repository: SqliteUsersRepository
) -> None:
    verify_broker_pacts(
        provider=PROVIDER,
        base_url=provider_url,
        broker=settings(published, "p-laptop", publish=False),
        state_handlers=provider_state_handlers(users_repository),
    )

    assert verification_success(published, "p-laptop") is None


def test_a_pending_pact_that_fails_is_reported_but_does_not_block(
    published: str, users_repository: SqliteUsersRepository
) -> None:
    with serve(create_app_bypassing_the_model(users_repository)) as broken_url:
        outcome = verify_broker_pacts(
            provider=PROVIDER,
            base_url=broken_url,
            broker=settings(published, "p-broken"),
            state_handlers=provider_state_handlers(users_repository),
        )

    [failure] = outcome.pending_failures
    assert failure.pending
    assert any("expects body.name (string)" in reason for reason in failure.reasons)
    assert verification_success(published, "p-broken") is False


def test_once_verified_a_pact_is_no_longer_pending_and_a_break_fails(
    published: str, provider_url: str, users_repository: SqliteUsersRepository
) -> None:
    handlers = provider_state_handlers(users_repository)
    verify_broker_pacts(
        provider=PROVIDER,
        base_url=provider_url,
        broker=settings(published, "p1"),
        state_handlers=handlers,
    )

    with (
        serve(create_app_bypassing_the_model(users_repository)) as broken_url,
        pytest.raises(ContractVerificationError, match=r"expects body\.name \(string\)"),
    ):
        verify_broker_pacts(
            provider=PROVIDER,
            base_url=broken_url,
            broker=settings(published, "p2"),
            state_handlers=handlers,
        )


def test_verifies_exactly_one_pact_by_url(
    published: str, provider_url: str, users_repository: SqliteUsersRepository
) -> None:
    pact_url = f"{published}/pacts/provider/{PROVIDER}/consumer/{CONSUMER}/latest"

    outcome = verify_pact_url(
        provider=PROVIDER,
        base_url=provider_url,
        pact_url=pact_url,
        broker=settings(published, "p-webhook"),
        state_handlers=provider_state_handlers(users_repository),
    )

    assert len(outcome.verified) == 2
    assert verification_success(published, "p-webhook") is True


def test_a_broker_without_pacts_for_the_provider_fails(
    broker_url: str, provider_url: str, users_repository: SqliteUsersRepository
) -> None:
    with pytest.raises(PactSetupError, match=r"has no pact for 'user-service'.* publish the"):
        verify_broker_pacts(
            provider=PROVIDER,
            base_url=provider_url,
            broker=settings(broker_url, "p1"),
            state_handlers=provider_state_handlers(users_repository),
        )


def test_an_unreachable_broker_fails_with_the_fix(
    provider_url: str, users_repository: SqliteUsersRepository
) -> None:
    with pytest.raises(
        BrokerConnectionError, match=r"cannot reach the Pact Broker at http://127\.0\.0\.1:9 "
    ):
        verify_broker_pacts(
            provider=PROVIDER,
            base_url=provider_url,
            broker=settings("http://127.0.0.1:9", "p1"),
            state_handlers=provider_state_handlers(users_repository),
        )


def test_wrong_broker_credentials_fail_with_the_variables_to_check(
    tmp_path: Path, provider_url: str, users_repository: SqliteUsersRepository
) -> None:
    settings = BrokerSettings(
        database=tmp_path / "protected.sqlite3",
        bearer_token=SecretStr("the-real-token"),
    )
    with (
        serve(create_broker_app(settings), health_path="/diagnostic/status/heartbeat") as url,
        pytest.raises(BrokerConnectionError, match="PACT_BROKER_TOKEN") as raised,
    ):
        verify_broker_pacts(
            provider=PROVIDER,
            base_url=provider_url,
            broker=BrokerVerification(
                connection=BrokerConnection(base_url=url, token="a-wrong-token"),  # noqa: S106
                provider_version="p1",
                provider_branch="main",
            ),
            state_handlers=provider_state_handlers(users_repository),
        )

    assert "refused the credentials (401)" in str(raised.value)
    assert "a-wrong-token" not in str(raised.value)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, False),
        ({"CI": "true"}, True),
        ({"PACT_PUBLISH_VERIFICATION_RESULTS": "true"}, True),
        ({"CI": "false", "PACT_PUBLISH_VERIFICATION_RESULTS": "no"}, False),
    ],
)
def test_results_are_published_only_in_ci_or_when_asked(
    environ: dict[str, str], expected: bool
) -> None:
    assert publishing_enabled(environ) is expected
