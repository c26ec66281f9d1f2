"""The broker as a real OS process (``python -m local_pact_broker``), so a test can SIGKILL it."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from local_pact_broker.background import healthy


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(database: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """Start the broker and return once its heartbeat answers (deadline 20 s)."""
    env = {
        **os.environ,
        "PACT_BROKER_PORT": str(port),
        "PACT_BROKER_DATABASE": str(database),
        "PACT_DO_NOT_TRACK": "true",
    }
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "local_pact_broker"], env=env, stdout=output, stderr=output
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"broker exited with {process.returncode}: {log.read_text()}")
        # urllib, not a new httpx client per poll: each of those parses the CA bundle (~50 ms).
        if healthy(url):
            return process
        time.sleep(0.05)  # poll interval, bounded by the deadline
    process.kill()
    raise RuntimeError(f"broker did not answer its heartbeat within 20 s: {log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate the broker and reap it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
