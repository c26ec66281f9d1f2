"""The release verbs refuse to run blind: each misconfiguration names its fix and exits 2."""

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from contract_first.cli.app import main
from local_pact_broker.background import running_broker

BROKER_USER = "ci-writer"
BROKER_PASSWORD = "correct-horse-battery"  # noqa: S105 - a test credential


@pytest.fixture(scope="module")
def protected_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local broker that requires basic auth (the official image's variables).

    One for the module: only the publish-and-webhook test writes to it.
    """
    tmp_path = tmp_path_factory.mktemp("protected-broker")
    settings = {
        "PACT_BROKER_BASIC_AUTH_USERNAME": BROKER_USER,
        "PACT_BROKER_BASIC_AUTH_PASSWORD": BROKER_PASSWORD,
        # The webhook test targets a plain-http loopback port; http is refused by default.
        "PACT_BROKER_WEBHOOK_HTTP_TO_LOOPBACK": "true",
    }
    with running_broker(tmp_path / "broker.sqlite3", tmp_path / "broker.log", settings) as url:
        yield url


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_no_broker_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PACT_BROKER_BASE_URL", raising=False)
    monkeypatch.delenv("CONTRACT_FIRST_RUNNER", raising=False)
    monkeypatch.setenv("PACT_BROKER_STATE_DIR", str(tmp_path))  # no broker `up` recorded here

    assert main(["publish"]) == 2
    assert "PACT_BROKER_BASE_URL is not set: start one with `local-pact-broker up`" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize("url", ["127.0.0.1:9292", "ftp://broker", "http://user:pw@broker"])
def test_a_malformed_broker_url(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PACT_BROKER_BASE_URL", url)

    assert main(["publish"]) == 2
    err = capsys.readouterr().err
    assert "PACT_BROKER_BASE_URL must" in err
    assert "pw" not in err, "a password in the URL was echoed back"


def test_an_unreachable_broker(
    closed_port: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PACT_BROKER_BASE_URL", f"http://127.0.0.1:{closed_port}")

    assert main(["can-i-deploy", "user-service", "production"]) == 2
    assert (
        f"cannot reach the Pact Broker at http://127.0.0.1:{closed_port}" in capsys.readouterr().err
    )


def test_half_set_credentials(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PACT_BROKER_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("PACT_BROKER_USERNAME", "ci")
    monkeypatch.delenv("PACT_BROKER_PASSWORD", raising=False)

    assert main(["publish"]) == 2
    assert "PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD go together" in capsys.readouterr().err


def test_publishing_without_pacts(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    local_broker: str,
) -> None:
    monkeypatch.setenv("PACT_BROKER_BASE_URL", local_broker)

    assert main(["publish", str(tmp_path / "nothing-here")]) == 2
    assert "no pact files in" in capsys.readouterr().err


def test_an_unknown_pacticipant_is_refused_listing_the_known_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["can-i-deploy", "user-servce", "production"]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: unknown pacticipant 'user-servce': known pacticipants are "
        "user-service (provider), notification-service (consumer), signup-service (consumer)"
    )


def test_wrong_credentials_are_named_and_never_echoed(
    protected_broker: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PACT_BROKER_BASE_URL", protected_broker)
    monkeypatch.setenv("PACT_BROKER_USERNAME", BROKER_USER)
    monkeypatch.setenv("PACT_BROKER_PASSWORD", "wrong-password-123")

    assert main(["can-i-deploy", "user-service", "production"]) == 2
    captured = capsys.readouterr()
    assert "refused the credentials (401)" in captured.err
    assert "wrong-password-123" not in captured.out + captured.err


def pact_for(tmp_path: Path) -> Path:
    pacts = tmp_path / "pacts"
    pacts.mkdir()
    document = {
        "consumer": {"name": "notification-service"},
        "provider": {"name": "user-service"},
        "interactions": [
            {
                "type": "Synchronous/HTTP",
                "description": "a request for user 1",
                "request": {"method": "GET", "path": "/users/1"},
                "response": {"status": 200},
            }
        ],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    (pacts / "notification-service-user-service.json").write_text(json.dumps(document))
    return pacts


def test_publish_and_create_webhook_with_credentials(
    protected_broker: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PACT_BROKER_BASE_URL", protected_broker)
    monkeypatch.setenv("PACT_BROKER_USERNAME", BROKER_USER)
    monkeypatch.setenv("PACT_BROKER_PASSWORD", BROKER_PASSWORD)
    monkeypatch.setenv("PACT_CONSUMER_VERSION", "c1")
    monkeypatch.setenv("PACT_CONSUMER_BRANCH", "main")
    monkeypatch.setenv("PACT_WEBHOOK_URL", "http://127.0.0.1:9/dispatches")
    monkeypatch.setenv("GITHUB_DISPATCH_TOKEN", "ghp-secret-token-xyz")

    assert main(["publish", str(pact_for(tmp_path))]) == 0
    assert main(["create-webhook"]) == 0

    said = capfd.readouterr()
    assert "ghp-secret-token-xyz" not in said.out + said.err
    assert BROKER_PASSWORD not in said.out + said.err
    assert "contract_requiring_verification_published for user-service" in said.out
    webhooks = httpx.get(f"{protected_broker}/webhooks", auth=(BROKER_USER, BROKER_PASSWORD)).json()
    assert len(webhooks["_links"]["pb:webhooks"]) == 1
