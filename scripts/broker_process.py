"""Start the local Pact Broker in the background, or stop it: `just broker-up` / `broker-down`.

Usage: python scripts/broker_process.py up|down|status
Listens on 127.0.0.1:${PACT_BROKER_PORT:-9292} with its data in
${PACT_BROKER_DATABASE:-.broker/broker.sqlite3}; pid and log in ${PACT_BROKER_STATE_DIR:-.broker}.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def state_dir() -> Path:
    """Where `up` keeps the pid and log: ``$PACT_BROKER_STATE_DIR``, else ``.broker/``."""
    return Path(os.environ.get("PACT_BROKER_STATE_DIR", ROOT / ".broker"))


def pid_file() -> Path:
    """The pid of the broker `up` started."""
    return state_dir() / "broker.pid"


def log_file() -> Path:
    """The log of the broker `up` started."""
    return state_dir() / "broker.log"


START_DEADLINE_SECONDS = 20.0
STOP_DEADLINE_SECONDS = 10.0


def broker_url() -> str:
    """Where the local broker listens, from PACT_BROKER_PORT."""
    port = os.environ.get("PACT_BROKER_PORT", "9292")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise SystemExit(f"error: PACT_BROKER_PORT must be a port number, not {port!r}")
    return f"http://127.0.0.1:{port}"


def healthy(url: str) -> bool:
    """Whether the heartbeat answers 200."""
    try:
        return httpx.get(f"{url}/diagnostic/status/heartbeat", timeout=1.0).status_code == 200
    except httpx.TransportError:
        return False


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_broker(
    database: Path, log_path: Path, settings: dict[str, str] | None = None
) -> Iterator[str]:
    """A local broker in its own process on a free port, for demos and tests; stopped after.

    ``settings`` are extra ``PACT_BROKER_*`` variables, e.g. the basic-auth pair.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        **(settings or {}),
        "PACT_BROKER_PORT": str(port),
        "PACT_BROKER_DATABASE": str(database),
    }
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "local_pact_broker"], env=environment, stdout=log, stderr=log
        )
    try:
        deadline = time.monotonic() + START_DEADLINE_SECONDS
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise RuntimeError(
                    f"the local broker did not start at {url}; its log says:\n{tail}"
                )
            time.sleep(0.05)  # poll interval; readiness is decided by the heartbeat
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_DEADLINE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def running_pid() -> int | None:
    """The pid in the pid file, if that process is alive."""
    try:
        pid = int(pid_file().read_text(encoding="utf-8"))
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def up() -> int:
    """Start the broker unless it runs; wait for its heartbeat, never a fixed sleep."""
    url = broker_url()
    if running_pid() is not None and healthy(url):
        print(f"local Pact Broker already running at {url} (pid {running_pid()})")
        return 0
    if healthy(url):
        print(
            f"error: something else already answers at {url}; set PACT_BROKER_PORT", file=sys.stderr
        )
        return 1
    state_dir().mkdir(parents=True, exist_ok=True)
    with log_file().open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "local_pact_broker"],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # survives the recipe's shell
        )
    pid_file().write_text(str(process.pid), encoding="utf-8")
    deadline = time.monotonic() + START_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if healthy(url):
            print(f"local Pact Broker running at {url} (pid {process.pid}, log {log_file()})")
            print(f"  export PACT_BROKER_BASE_URL={url}")
            return 0
        time.sleep(0.05)  # poll interval; readiness is decided by the heartbeat
    process.kill()
    pid_file().unlink(missing_ok=True)
    tail = log_file().read_text(encoding="utf-8", errors="replace")[-2000:]
    print(
        f"error: the broker did not become healthy at {url}; its log says:\n{tail}", file=sys.stderr
    )
    return 1


def down() -> int:
    """Stop the broker started by `up`, and wait until it has exited."""
    pid = running_pid()
    if pid is None:
        pid_file().unlink(missing_ok=True)
        print("local Pact Broker is not running")
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_DEADLINE_SECONDS
    while time.monotonic() < deadline and running_pid() == pid:
        with suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reaps it if it is our child; harmless otherwise
        time.sleep(0.05)
    if running_pid() == pid:
        os.kill(pid, signal.SIGKILL)
    pid_file().unlink(missing_ok=True)
    print(f"local Pact Broker stopped (pid {pid})")
    return 0


def status() -> int:
    """Exit 0 if the broker answers its heartbeat, 1 otherwise."""
    url = broker_url()
    if healthy(url):
        print(f"local Pact Broker healthy at {url}")
        return 0
    print(f"no Pact Broker answers at {url}")
    return 1


def main(argv: list[str]) -> int:
    """Dispatch to up, down or status."""
    verbs = {"up": up, "down": down, "status": status}
    if len(argv) != 1 or argv[0] not in verbs:
        print(f"usage: broker_process.py {'|'.join(verbs)}", file=sys.stderr)
        return 2
    return verbs[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
