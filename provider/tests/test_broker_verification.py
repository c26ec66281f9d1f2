"""Verification from a Pact Broker: selectors, pending pacts, published results, one-URL mode.

Each test runs a real local broker process, publishes the consumer's real pact with the
official CLI, and verifies the real provider (or a breaking variant) under uvicorn.
"""

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from contract_first.cli.app import main as contract_first
from contract_first.errors import UsageError
from contract_first.release.broker_connection import BrokerConnection, BrokerConnectionError
from contract_first.verify.live_server import serve
from contract_first.verify.settings import publishing_enabled
from contract_first.verify.sources import BrokerPacts, PactUrl
from contract_first.verify.verification import Publication, VerificationReport, verify_provider
from local_pact_broker.app import create_app as create_broker_app
from local_pact_broker.settings import Settings as BrokerSettings
from user_service.app import create_app
from user_service.users_repository import SqliteUsersRepository

from .breaking_variants import create_app_bypassing_the_model
from .provider_states import provider_state_handlers

PROVIDER = "user-service"
CONSUMER = "notification-service"


@pytest.fixture
def broker_url(tmp_path: Path) -> Iterator[str]:
    """A fresh local broker served by uvicorn in this process, over its own SQLite file."""
    app = create_broker_app(BrokerSettings(database=tmp_path / "broker.sqlite3"))
    with serve(app) as url:
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
    assert contract_first(["publish", str(pacts)]) == 0
    return broker_url


def from_broker(url: str) -> BrokerPacts:
    return BrokerPacts(
        connection=BrokerConnection(base_url=url),
        provider_branch="main",
        include_wip_pacts_since="2026-01-01",
    )


def verify(
    app: FastAPI,
    users: SqliteUsersRepository,
    source: BrokerPacts | PactUrl,
    version: str | None,
) -> VerificationReport:
    """Verify ``app`` from the broker; publish as ``version`` on main unless it is None."""
    return verify_provider(
        provider=PROVIDER,
        app=app,
        state_handlers=provider_state_handlers(users),
        source=source,
        publication=Publication(version, "main") if version else None,
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
    published: str, users_repository: SqliteUsersRepository
) -> None:
    app = create_app(users_repository=users_repository)
    report = verify(app, users_repository, from_broker(published), "p1")

    assert report.ok
    assert len(report.verified) == 2
    assert all(o.consumer == f"{CONSUMER} c1 on main" for o in report.verified)
    assert report.published == Publication("p1", "main")
    assert verification_success(published, "p1") is True


def test_results_are_not_published_unless_asked(
    published: str, users_repository: SqliteUsersRepository
) -> None:
    app = create_app(users_repository=users_repository)
    report = verify(app, users_repository, from_broker(published), None)

    assert report.ok
    assert report.published is None
    assert verification_success(published, "p-laptop") is None


def test_a_pending_pact_that_fails_is_reported_but_does_not_block(
    published: str, users_repository: SqliteUsersRepository
) -> None:
    broken = create_app_bypassing_the_model(users_repository)
    report = verify(broken, users_repository, from_broker(published), "p-broken")

    assert report.ok, "a pending pact's failure must not block"
    [failure] = report.pending_failures
    assert any("expects body.name (string)" in reason for reason in failure.reasons)
    assert verification_success(published, "p-broken") is False


def test_once_verified_a_pact_is_no_longer_pending_and_a_break_fails(
    published: str, users_repository: SqliteUsersRepository
) -> None:
    verify(
        create_app(users_repository=users_repository),
        users_repository,
        from_broker(published),
        "p1",
    )

    broken = create_app_bypassing_the_model(users_repository)
    report = verify(broken, users_repository, from_broker(published), "p2")

    assert not report.ok
    assert (
        f"  - {CONSUMER} c1 on main expects body.name (string) in 'a request for user 123'; "
        "user-service returned keys email, id, username"
    ) in report.headline().splitlines()


def test_two_pacts_from_one_consumer_each_get_their_own_failures(
    published: str, pact_directory: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """c1 is deployed and reads ``name``; c2 on main also reads ``nickname``: only c2 breaks."""
    assert contract_first(["create-environment", "production"]) == 0
    assert contract_first(["record-deployment", CONSUMER, "production", "--version", "c1"]) == 0
    document = json.loads((pact_directory / f"{CONSUMER}-{PROVIDER}.json").read_text())
    for interaction in document["interactions"]:
        if interaction["response"]["status"] == 200:
            interaction["response"]["body"]["content"]["nickname"] = "Al"
    changed = tmp_path / "changed-pacts"
    changed.mkdir()
    (changed / f"{CONSUMER}-{PROVIDER}.json").write_text(json.dumps(document))
    monkeypatch.setenv("PACT_CONSUMER_VERSION", "c2")
    assert contract_first(["publish", str(changed)]) == 0
    users = SqliteUsersRepository(tmp_path / "users.sqlite3")

    report = verify(create_app(users_repository=users), users, from_broker(published), None)

    by_pact = {o.consumer: o for o in report.outcomes if o.description == "a request for user 123"}
    assert set(by_pact) == {
        f"{CONSUMER} c2 on main",
        f"{CONSUMER} c1 (deployed to production)",
    } or (len(by_pact) == 2), by_pact
    broken = [o for o in report.outcomes if not o.passed]
    assert [o.pact.origin.consumer_version for o in broken if o.pact.origin] == ["c2"]
    assert all("c2" in reason for o in broken for reason in o.reasons)
    c1 = [o for o in report.outcomes if o.pact.origin and o.pact.origin.consumer_version == "c1"]
    assert c1, "the deployed version's pact was not verified"
    assert all(o.passed for o in c1)


def test_verifies_exactly_one_pact_by_url(
    published: str, users_repository: SqliteUsersRepository
) -> None:
    pact_url = f"{published}/pacts/provider/{PROVIDER}/consumer/{CONSUMER}/latest"
    app = create_app(users_repository=users_repository)

    report = verify(
        app, users_repository, PactUrl(pact_url, BrokerConnection(base_url=published)), "p-webhook"
    )

    assert report.ok
    assert len(report.verified) == 2
    assert verification_success(published, "p-webhook") is True


def test_a_broker_without_pacts_for_the_provider_fails(
    broker_url: str, users_repository: SqliteUsersRepository
) -> None:
    app = create_app(users_repository=users_repository)
    with pytest.raises(
        UsageError, match=r"does not know 'user-service'|has no pact for 'user-service'"
    ):
        verify(app, users_repository, from_broker(broker_url), "p1")


def test_an_unreachable_broker_fails_with_the_fix(users_repository: SqliteUsersRepository) -> None:
    app = create_app(users_repository=users_repository)
    with pytest.raises(
        BrokerConnectionError, match=r"cannot reach the Pact Broker at http://127\.0\.0\.1:9 "
    ):
        verify(app, users_repository, from_broker("http://127.0.0.1:9"), "p1")


def test_wrong_broker_credentials_fail_with_the_variables_to_check(
    tmp_path: Path, users_repository: SqliteUsersRepository
) -> None:
    settings = BrokerSettings(
        database=tmp_path / "protected.sqlite3",
        bearer_token=SecretStr("the-real-token"),
    )
    app = create_app(users_repository=users_repository)
    with serve(create_broker_app(settings)) as url:
        wrong = BrokerConnection(base_url=url, token="a-wrong-token")  # noqa: S106
        source = BrokerPacts(connection=wrong, provider_branch="main")
        with pytest.raises(BrokerConnectionError, match="PACT_BROKER_TOKEN") as raised:
            verify(app, users_repository, source, None)

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
