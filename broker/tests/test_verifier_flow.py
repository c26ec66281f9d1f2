"""pact-python's Rust verifier pulls pacts from the local broker and publishes results."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pact import Verifier

from .broker_fixture_provider import fixture_provider
from .broker_live_server import BrokerServer
from .broker_pact_cli import pact_broker

FIXTURES = Path(__file__).parent / "fixtures"


def _no_state_needed(state: str, action: str, parameters: dict[str, Any] | None = None) -> None:
    """The fixture provider always has thing 1."""


@pytest.fixture
def provider_url() -> Iterator[str]:
    with fixture_provider() as url:
        yield url


def test_verify_from_broker_then_can_i_deploy(broker: BrokerServer, provider_url: str) -> None:
    published = pact_broker(
        broker, "publish", str(FIXTURES), "--consumer-app-version", "1.0.0", "--branch", "main"
    )
    assert published.returncode == 0, published.stderr
    for_verification = broker.get("/pacts/provider/Bar/for-verification")
    assert for_verification["_embedded"]["pacts"][0]["verificationProperties"]["pending"] is True

    verifier = (
        Verifier("Bar", host="127.0.0.1")
        .add_transport(url=provider_url)
        .state_handler(_no_state_needed, teardown=True)
        .broker_source(broker.url, selector=True)
        .consumer_version(main_branch=True)
        .consumer_version(deployed_or_released=True)
        .include_pending()
        .include_wip_since("2020-01-01")
        .provider_branch("main")
        .build()
        .set_publish_options(version="b-1", branch="main")
    )
    verifier.verify()

    version = broker.get("/pacticipants/Bar/versions/b-1")
    assert version["_embedded"]["branchVersions"][0]["name"] == "main"
    after = broker.get("/pacts/provider/Bar/for-verification")
    assert after["_embedded"]["pacts"]

    assert (
        pact_broker(broker, "create-environment", "--name", "production", "--production").returncode
        == 0
    )
    deployed = pact_broker(
        broker,
        "record-deployment",
        "--pacticipant",
        "Bar",
        "--version",
        "b-1",
        "--environment",
        "production",
    )
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    verdict = pact_broker(
        broker,
        "can-i-deploy",
        "--pacticipant",
        "Foo",
        "--version",
        "1.0.0",
        "--to-environment",
        "production",
    )
    assert verdict.returncode == 0, verdict.stdout
    assert "All required verification results are published and successful" in verdict.stdout
