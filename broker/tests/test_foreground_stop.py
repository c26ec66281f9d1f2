"""`local-pact-broker` in the foreground exits 0 on Ctrl-C or SIGTERM, after a clean shutdown.

Plain uvicorn re-raised the signal after shutting down, so the process died of it (130 or
143) and `just broker` reported a failed recipe.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from local_pact_broker.background import free_port, healthy

from .broker_subprocess import start


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_ends_the_server_with_exit_0_after_its_shutdown(
    tmp_path: Path, stop: signal.Signals
) -> None:
    log = tmp_path / "broker.log"
    process = start(tmp_path / "broker.sqlite3", free_port(), log)

    process.send_signal(stop)
    exit_code = process.wait(timeout=20)

    said = log.read_text(encoding="utf-8")
    assert exit_code == 0, f"exit {exit_code} on {stop.name}:\n{said}"
    assert "Application shutdown complete" in said, f"no clean shutdown:\n{said}"
    assert "Traceback" not in said
    assert "Warning" not in said, said


def test_ctrl_c_sent_twice_as_uv_run_echoes_it_still_shuts_down_the_app(tmp_path: Path) -> None:
    """`uv run` re-sends the terminal's Ctrl-C to its child: the echo must not force-quit."""
    port = free_port()
    environment = {
        **os.environ,
        "PACT_BROKER_PORT": str(port),
        "PACT_BROKER_DATABASE": str(tmp_path / "broker.sqlite3"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "local_pact_broker"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        _wait_until_healthy(f"http://127.0.0.1:{port}", process)
        process.send_signal(signal.SIGINT)  # the terminal's Ctrl-C
        before = _read_until(process, "Shutting down")
        process.send_signal(signal.SIGINT)  # uv's echo of it, while the server shuts down
        rest, _ = process.communicate(timeout=20)
        said = before + rest
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert process.returncode == 0, said
    assert "Application shutdown complete" in said, f"the echo forced a quit:\n{said}"
    assert "Traceback" not in said


def _read_until(process: subprocess.Popen[str], text: str) -> str:
    """The server's output up to the line holding ``text`` (it logs each step of a shutdown)."""
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        if text in line:
            return "".join(lines)
    pytest.fail(f"the server never said {text!r}:\n{''.join(lines)}")


def _wait_until_healthy(url: str, process: subprocess.Popen[str]) -> None:
    for _ in range(400):  # 20 s at most, polling the heartbeat
        if process.poll() is not None:
            pytest.fail(f"the broker exited with {process.returncode} before it answered")
        if healthy(url):
            return
        try:
            process.wait(timeout=0.05)  # poll interval; readiness is decided by the heartbeat
        except subprocess.TimeoutExpired:
            continue
    pytest.fail(f"the broker did not answer its heartbeat at {url} within 20 s")
