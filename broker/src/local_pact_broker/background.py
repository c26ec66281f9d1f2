"""The broker in a background process: ``local-pact-broker up|down|status``, ``running_broker``.

``up`` starts ``python -m local_pact_broker serve`` detached and returns once its heartbeat
answers; ``down`` stops it; ``status`` asks the heartbeat. They listen on
``127.0.0.1:${PACT_BROKER_PORT:-9292}``, keep the data in
``${PACT_BROKER_DATABASE:-.broker/broker.sqlite3}`` and the pid and log in
``${PACT_BROKER_STATE_DIR:-.broker}``; relative paths are relative to the current directory.
While it runs, ``broker.url`` in that folder holds its base URL (one line): other tools (the
``contract-first`` release verbs) read it to find the broker without ``PACT_BROKER_BASE_URL``.

``running_broker`` is the same for demos and tests: a broker on a free port for a ``with`` block.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from local_pact_broker.settings import Settings

START_DEADLINE_SECONDS = 20.0
STOP_DEADLINE_SECONDS = 10.0
POLL_SECONDS = 0.05
SERVE = (sys.executable, "-m", "local_pact_broker", "serve")

# The heartbeat is on loopback: never ask it through an http_proxy from the environment.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class BrokerPortError(ValueError):
    """``PACT_BROKER_PORT`` is not a port number."""


def state_dir() -> Path:
    """Where `up` keeps the pid and log: ``$PACT_BROKER_STATE_DIR``, else ``./.broker``."""
    return Path.cwd() / os.environ.get("PACT_BROKER_STATE_DIR", ".broker")


def pid_file() -> Path:
    """The pid of the broker `up` started."""
    return state_dir() / "broker.pid"


def url_file() -> Path:
    """The base URL of the broker `up` started, for tools that look for a running broker."""
    return state_dir() / "broker.url"


def log_file() -> Path:
    """The log of the broker `up` started."""
    return state_dir() / "broker.log"


def database() -> Path:
    """The database `up` serves: ``$PACT_BROKER_DATABASE``, else the broker's default."""
    configured = os.environ.get("PACT_BROKER_DATABASE")
    default: Path = Settings.model_fields["database"].default
    return Path.cwd() / (configured or default)


def port() -> int:
    """``$PACT_BROKER_PORT``, else the broker's default; `BrokerPortError` if not a port."""
    configured = os.environ.get("PACT_BROKER_PORT")
    if configured is None:
        default: int = Settings.model_fields["port"].default
        return default
    if not (configured.isascii() and configured.isdigit()) or not 0 < int(configured) < 65536:
        raise BrokerPortError(
            f"PACT_BROKER_PORT must be a port number (1-65535), not {configured!r}"
        )
    return int(configured)


def broker_url() -> str:
    """Where the background broker listens."""
    return f"http://127.0.0.1:{port()}"


def healthy(url: str) -> bool:
    """Whether ``url``'s heartbeat answers 200."""
    try:
        with _DIRECT.open(f"{url}/diagnostic/status/heartbeat", timeout=1.0) as response:
            return bool(response.status == 200)
    except (OSError, http.client.HTTPException):
        return False


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        number: int = probe.getsockname()[1]
        return number


@contextmanager
def running_broker(
    database: Path, log_path: Path, settings: dict[str, str] | None = None
) -> Iterator[str]:
    """A local broker in its own process on a free port, for demos and tests; stopped after.

    Yields its base URL once the heartbeat answers. ``settings`` are extra ``PACT_BROKER_*``
    variables, e.g. the basic-auth pair. The broker's output is appended to ``log_path``.
    """
    url = f"http://127.0.0.1:{free_port()}"
    environment = {
        **os.environ,
        **(settings or {}),
        "PACT_BROKER_PORT": url.rsplit(":", 1)[1],
        "PACT_BROKER_DATABASE": str(database),
    }
    with log_path.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 - this interpreter, this package
            SERVE, env=environment, stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
    try:
        deadline = time.monotonic() + START_DEADLINE_SECONDS
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise RuntimeError(
                    f"the local broker did not start at {url}; its log says:\n{tail}"
                )
            time.sleep(POLL_SECONDS)  # poll interval; readiness is decided by the heartbeat
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_DEADLINE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _is_live_broker(pid: int) -> bool:
    """Whether ``pid`` runs (not a zombie) and, where ``/proc`` says, is a broker.

    An exited broker that ``up`` left behind stays a zombie until init reaps it, and after a
    reboot the pid in a stale pid file may belong to anything: neither counts as running.
    """
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    if not Path("/proc/self").exists():
        return True  # not Linux: the signal check has to do
    proc = Path("/proc") / str(pid)
    try:
        state = (proc / "stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
        command = (proc / "cmdline").read_bytes()
    except (OSError, IndexError):
        return False  # it exited since the signal check
    return state != "Z" and b"local_pact_broker" in command


def running_pid() -> int | None:
    """The pid in the pid file, if that process is a live broker."""
    try:
        pid = int(pid_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return pid if _is_live_broker(pid) else None


def up() -> int:
    """Start the broker unless it runs; wait for its heartbeat, never a fixed sleep."""
    url = broker_url()
    pid = running_pid()
    if pid is not None and healthy(url):
        url_file().write_text(f"{url}\n", encoding="utf-8")  # one started before the file existed
        print(f"local Pact Broker already running at {url} (pid {pid})")
        return 0
    if healthy(url):
        print(
            f"error: something else already answers at {url}; set PACT_BROKER_PORT", file=sys.stderr
        )
        return 1
    state_dir().mkdir(parents=True, exist_ok=True)
    data = database()
    environment = {
        **os.environ,
        "PACT_BROKER_PORT": str(port()),
        "PACT_BROKER_DATABASE": str(data),
    }
    with log_file().open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 - this interpreter, this package
            SERVE,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives the shell (or recipe) that ran `up`
        )
    pid_file().write_text(str(process.pid), encoding="utf-8")
    url_file().unlink(missing_ok=True)  # written once healthy: a tool never finds a dead URL
    deadline = time.monotonic() + START_DEADLINE_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        if healthy(url):
            url_file().write_text(f"{url}\n", encoding="utf-8")
            print(f"local Pact Broker running at {url} (pid {process.pid}, log {log_file()})")
            print(f"  database {data}")
            print(
                "  `just publish`, `just verify`, ... use it while PACT_BROKER_BASE_URL is unset;"
            )
            print(f"  for other tools: export PACT_BROKER_BASE_URL={url}")
            return 0
        time.sleep(POLL_SECONDS)  # poll interval; readiness is decided by the heartbeat
    process.kill()
    process.wait()
    pid_file().unlink(missing_ok=True)
    url_file().unlink(missing_ok=True)
    tail = log_file().read_text(encoding="utf-8", errors="replace")[-2000:]
    print(
        f"error: the broker did not become healthy at {url}; its log says:\n{tail}", file=sys.stderr
    )
    return 1


def down() -> int:
    """Stop the broker started by `up`, and wait until it has exited."""
    pid = running_pid()
    url_file().unlink(missing_ok=True)
    if pid is None:
        pid_file().unlink(missing_ok=True)
        print("local Pact Broker is not running")
        return 0
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_DEADLINE_SECONDS
    while time.monotonic() < deadline and running_pid() == pid:
        with suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reaps it if it is our child; harmless otherwise
        time.sleep(POLL_SECONDS)
    if running_pid() == pid:
        with suppress(ProcessLookupError):
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
