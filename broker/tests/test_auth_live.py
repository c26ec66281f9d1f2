"""Auth end to end with the official CLI and pact-python's verifier."""

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from pact import Verifier
from pydantic import SecretStr

from local_pact_broker.cli import main

from .broker_fixture_provider import fixture_provider
from .broker_live_server import BrokerServer, start_broker
from .broker_pact_cli import pact_broker

FIXTURES = Path(__file__).parent / "fixtures"
WRITE_PASSWORD = "write-pw-Zq81"  # noqa: S105 - test credential
READ_PASSWORD = "read-pw-Yx42"  # noqa: S105 - test credential
WRITE_TOKEN = "write-token-Wv93"  # noqa: S105 - test credential
READ_TOKEN = "read-token-Ut64"  # noqa: S105 - test credential
SECRETS = (WRITE_PASSWORD, READ_PASSWORD, WRITE_TOKEN, READ_TOKEN)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[BrokerServer]:
    with start_broker(
        tmp_path / "broker.sqlite3",
        basic_auth_username="writer",
        basic_auth_password=SecretStr(WRITE_PASSWORD),
        basic_auth_read_only_username="reader",
        basic_auth_read_only_password=SecretStr(READ_PASSWORD),
        bearer_token=SecretStr(WRITE_TOKEN),
        read_only_bearer_token=SecretStr(READ_TOKEN),
    ) as server:
        yield server


def publish(broker: BrokerServer, *auth: str, env: dict[str, str] | None = None) -> int:
    result = pact_broker(
        broker,
        "publish",
        str(FIXTURES),
        "--consumer-app-version",
        "1.0.0",
        "--branch",
        "main",
        *auth,
        env=env,
    )
    return result.returncode


def status_and_body(url: str, authorization: str | None = None) -> tuple[int, dict[str, str], str]:
    headers = {"Authorization": authorization} if authorization else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback broker
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_publish_needs_write_credentials(broker: BrokerServer) -> None:
    assert publish(broker) != 0
    assert publish(broker, "--broker-username", "reader", "--broker-password", READ_PASSWORD) != 0
    assert publish(broker, "--broker-token", READ_TOKEN) != 0
    assert publish(broker, "--broker-username", "writer", "--broker-password", "wrong") != 0
    assert publish(broker, "--broker-username", "writer", "--broker-password", WRITE_PASSWORD) == 0
    assert publish(broker, "--broker-token", WRITE_TOKEN) == 0
    env = {"PACT_BROKER_USERNAME": "writer", "PACT_BROKER_PASSWORD": WRITE_PASSWORD}
    assert publish(broker, env=env) == 0
    assert publish(broker, env={"PACT_BROKER_TOKEN": WRITE_TOKEN}) == 0


def test_read_only_credentials_can_list(broker: BrokerServer) -> None:
    assert publish(broker, "--broker-token", WRITE_TOKEN) == 0
    for auth, env in (
        (("--broker-username", "reader", "--broker-password", READ_PASSWORD), {}),
        ((), {"PACT_BROKER_TOKEN": READ_TOKEN}),
        ((), {"PACT_BROKER_USERNAME": "reader", "PACT_BROKER_PASSWORD": READ_PASSWORD}),
    ):
        listed = pact_broker(broker, "list-latest-pact-versions", *auth, env=env)
        assert listed.returncode == 0, listed.stdout + listed.stderr
        assert "Foo" in listed.stdout
    refused = pact_broker(broker, "list-latest-pact-versions")
    assert refused.returncode != 0


def test_refusals_never_leak_credentials(
    broker: BrokerServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert publish(broker, "--broker-token", READ_TOKEN) != 0
    assert publish(broker, "--broker-username", "writer", "--broker-password", READ_PASSWORD) != 0
    status, headers, body = status_and_body(broker.url + "/")
    assert status == 401
    assert headers["www-authenticate"] == 'Basic realm="Pact Broker", Bearer realm="Pact Broker"'
    bodies = [body]
    status, _, body = status_and_body(broker.url + "/", f"Bearer {WRITE_TOKEN}x")
    assert status == 401
    bodies.append(body)
    heartbeat, _, _ = status_and_body(broker.url + "/diagnostic/status/heartbeat")
    assert heartbeat == 200
    request = urllib.request.Request(  # noqa: S310 - loopback broker
        broker.url + "/webhooks",
        data=b"{}",
        method="POST",
        headers={"Authorization": f"Bearer {READ_TOKEN}", "Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310
    assert refused.value.code == 403
    bodies.append(refused.value.read().decode())
    assert all(json.loads(b)["error"] for b in bodies)
    captured = caplog.text + "".join(bodies)
    assert "refused POST /contracts/publish" in caplog.text
    for secret in SECRETS:
        assert secret not in captured


def test_verifier_with_basic_auth(broker: BrokerServer) -> None:
    assert publish(broker, "--broker-token", WRITE_TOKEN) == 0
    with fixture_provider() as provider_url:
        verifier = (
            Verifier("Bar", host="127.0.0.1")
            .add_transport(url=provider_url)
            .broker_source(broker.url, username="writer", password=WRITE_PASSWORD, use_env=False)
            .set_publish_options(version="b-1", branch="main")
        )
        verifier.verify()
    status, _, body = status_and_body(
        broker.url + "/pacticipants/Bar/versions/b-1", f"Bearer {READ_TOKEN}"
    )
    assert status == 200, body


def test_half_configured_auth_refuses_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PACT_BROKER_DATABASE", str(tmp_path / "b.sqlite3"))
    monkeypatch.setenv("PACT_BROKER_BASIC_AUTH_PASSWORD", WRITE_PASSWORD)
    assert main([]) == 2
    err = capsys.readouterr().err
    assert (
        "PACT_BROKER_BASIC_AUTH_PASSWORD is set but PACT_BROKER_BASIC_AUTH_USERNAME is not" in err
    )
    assert WRITE_PASSWORD not in err
