"""`just broker-up` / `broker-down`: a background broker that is health-checked, and stops."""

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from broker_process import free_port

SCRIPT = Path(__file__).resolve().parents[1] / "broker_process.py"


def broker_process(verb: str, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), verb],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PACT_BROKER_PORT": str(free_port()),
        "PACT_BROKER_DATABASE": str(tmp_path / "broker.sqlite3"),
        "PACT_BROKER_STATE_DIR": str(tmp_path / "state"),
    }


def test_up_status_down_round_trip(environment: dict[str, str], tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{environment['PACT_BROKER_PORT']}"
    try:
        started = broker_process("up", environment)
        assert started.returncode == 0, started.stderr
        assert f"running at {url}" in started.stdout
        assert httpx.get(f"{url}/diagnostic/status/heartbeat").status_code == 200
        assert (tmp_path / "state" / "broker.pid").is_file()

        again = broker_process("up", environment)
        assert again.returncode == 0
        assert "already running" in again.stdout
    finally:
        stopped = broker_process("down", environment)

    assert stopped.returncode == 0, stopped.stderr
    assert "stopped" in stopped.stdout
    assert not (tmp_path / "state" / "broker.pid").exists()
    assert broker_process("status", environment).returncode == 1
    assert "not running" in broker_process("down", environment).stdout


@pytest.mark.parametrize("port", ["abc", "70000"])
def test_a_bad_port_is_refused(environment: dict[str, str], port: str) -> None:
    result = broker_process("up", {**environment, "PACT_BROKER_PORT": port})

    assert result.returncode != 0
    assert "PACT_BROKER_PORT must be a port number" in result.stderr


def test_an_unknown_verb_prints_usage(environment: dict[str, str]) -> None:
    result = broker_process("restart", environment)

    assert result.returncode == 2
    assert "usage: broker_process.py up|down|status" in result.stderr
