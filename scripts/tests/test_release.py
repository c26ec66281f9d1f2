"""The release verbs refuse to run blind: each misconfiguration names its fix and exits 2."""

import socket
from pathlib import Path

import pytest
from release import main


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_no_broker_configured(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PACT_BROKER_BASE_URL", raising=False)

    assert main(["publish"]) == 2
    assert "PACT_BROKER_BASE_URL is not set: start the local broker with `just broker-up`" in (
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
