"""The official ``pact broker`` CLI against the local broker, end to end."""

import subprocess
from pathlib import Path

from .broker_live_server import BrokerServer
from .broker_pact_cli import pact_broker

FIXTURES = Path(__file__).parent / "fixtures"


def publish(
    broker: BrokerServer, version: str, directory: Path = FIXTURES
) -> subprocess.CompletedProcess[str]:
    return pact_broker(
        broker, "publish", str(directory), "--consumer-app-version", version, "--branch", "main"
    )


def test_publish_then_republish_is_a_no_op(broker: BrokerServer) -> None:
    first = publish(broker, "1.0.0")
    assert first.returncode == 0, first.stderr
    assert "Created Foo version 1.0.0 with branch main" in first.stdout
    again = publish(broker, "1.0.0")
    assert again.returncode == 0, again.stderr
    assert (
        "republished for Foo version 1.0.0 and provider Bar with no content changes" in again.stdout
    )


def test_changed_content_for_same_version_is_refused(broker: BrokerServer, tmp_path: Path) -> None:
    assert publish(broker, "1.0.0").returncode == 0
    changed = (FIXTURES / "Foo-Bar.json").read_text().replace('"get thing"', '"get thing CHANGED"')
    (tmp_path / "Foo-Bar.json").write_text(changed)
    result = publish(broker, "1.0.0", tmp_path)
    assert result.returncode != 0
    assert (
        "Cannot change the content of the pact for Foo version 1.0.0"
        in result.stdout + result.stderr
    )
    assert (
        broker.get("/pacts/provider/Bar/consumer/Foo/latest")["interactions"][0]["description"]
        == "get thing"
    )


def test_list_describe_and_can_i_deploy_without_verification(broker: BrokerServer) -> None:
    assert publish(broker, "1.0.0").returncode == 0
    listed = pact_broker(broker, "list-latest-pact-versions")
    assert listed.returncode == 0
    assert "Foo" in listed.stdout
    assert "1.0.0" in listed.stdout
    described = pact_broker(broker, "describe-version", "--pacticipant", "Foo")
    assert described.returncode == 0
    assert "1.0.0" in described.stdout
    verdict = pact_broker(broker, "can-i-deploy", "--pacticipant", "Foo", "--version", "1.0.0")
    assert verdict.returncode == 1
    assert "There is no verified pact between version 1.0.0 of Foo" in verdict.stdout


def test_can_i_deploy_unknown_version_says_no(broker: BrokerServer) -> None:
    assert publish(broker, "1.0.0").returncode == 0
    assert (
        pact_broker(broker, "create-environment", "--name", "production", "--production").returncode
        == 0
    )
    verdict = pact_broker(
        broker,
        "can-i-deploy",
        "--pacticipant",
        "Foo",
        "--version",
        "9.9.9",
        "--to-environment",
        "production",
    )
    assert verdict.returncode == 1
    assert (
        "No pacts or verifications have been published for version 9.9.9 of Foo" in verdict.stdout
    )
