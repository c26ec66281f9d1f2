"""``user-service serve`` exits 0 on Ctrl-C or SIGTERM, after the app's full shutdown.

Plain ``uvicorn.run`` re-raised the signal after shutting down, so the process died of it
(130 or 143) and ``just serve-provider`` ended with "recipe failed ... 143".
"""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

RUNNING = "Uvicorn running on "


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serving(tmp_path: Path) -> tuple[subprocess.Popen[str], str]:
    """``user-service serve`` as a real process, and what it said up to uvicorn's ready line."""
    process = subprocess.Popen(
        [sys.executable, "-m", "user_service.cli", "serve", "--port", str(_free_port())],
        env={**os.environ, "USER_SERVICE_DATABASE_PATH": str(tmp_path / "users.sqlite3")},
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, _read_until(process, RUNNING)


def _read_until(process: subprocess.Popen[str], text: str) -> str:
    """The server's log up to the line holding ``text`` (uvicorn logs each step on stderr)."""
    assert process.stderr is not None
    lines = []
    for line in process.stderr:
        lines.append(line)
        if text in line:
            return "".join(lines)
    process.wait(timeout=10)
    pytest.fail(f"the server exited {process.returncode} before saying {text!r}:\n{''.join(lines)}")


def _finish(process: subprocess.Popen[str], said: str) -> str:
    try:
        rest = process.communicate(timeout=20)[1]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return said + rest


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_ends_the_server_with_exit_0_after_its_shutdown(
    tmp_path: Path, stop: signal.Signals
) -> None:
    process, said = _serving(tmp_path)

    process.send_signal(stop)
    said = _finish(process, said)

    assert process.returncode == 0, f"exit {process.returncode} on {stop.name}:\n{said}"
    assert "Application shutdown complete" in said, f"no clean shutdown:\n{said}"
    assert "Traceback" not in said, said


def test_ctrl_c_sent_twice_as_uv_run_echoes_it_still_shuts_down_the_app(tmp_path: Path) -> None:
    """`uv run` re-sends the terminal's Ctrl-C to its child: the echo must not force-quit."""
    process, said = _serving(tmp_path)

    process.send_signal(signal.SIGINT)  # the terminal's Ctrl-C
    said += _read_until(process, "Shutting down")
    process.send_signal(signal.SIGINT)  # uv's echo of it, while the server shuts down
    said = _finish(process, said)

    assert process.returncode == 0, said
    assert "Application shutdown complete" in said, f"the echo forced a quit:\n{said}"
    assert "Traceback" not in said, said
