"""The Justfile's release and server recipes, run through `just` from the repository root.

`just broker` stops with exit 0 when its server is stopped, and with no "recipe failed" line
on Ctrl-C; `just serve-provider` listens on $PORT and stops with exit 0; `just publish` and
friends find the broker `just broker-up` started, and their errors are one line naming `just`
verbs, with no second line from `just` itself. Nothing lands in the repository: state, data
and pacts are in tmp.
"""

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from local_pact_broker.background import free_port, healthy

from .release_project import CROSS, VERSIONS, clean_environment
from .sample_project import CONSUMER

REPOSITORY = Path(__file__).resolve().parents[2]
JUST = shutil.which("just")
READY_DEADLINE_SECONDS = 60.0
POLL_SECONDS = 0.1


def just_command() -> str:
    assert JUST, "`just` is not on PATH: run the tests with `uv run` (rust-just is a dev tool)"
    return JUST


def just(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [just_command(), *arguments],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (Linux /proc), nearest first."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in map(int, task.read_text(encoding="utf-8").split()):
            found += [child, *children(child)]
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@contextmanager
def recipe_in_own_group(recipe: str, env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    """`just RECIPE` in its own process group, as a terminal runs it; killed if still running."""
    process = subprocess.Popen(
        [just_command(), recipe],
        cwd=REPOSITORY,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def foreground(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`just broker` in its own process group (as a terminal runs it), and its URL once up."""
    port = free_port()
    env = clean_environment(
        {"PACT_BROKER_PORT": str(port), "PACT_BROKER_DATABASE": str(tmp_path / "db.sqlite3")}
    )
    url = f"http://127.0.0.1:{port}"
    with recipe_in_own_group("broker", env) as process:
        deadline = time.monotonic() + READY_DEADLINE_SECONDS
        while not healthy(url):
            assert process.poll() is None, f"`just broker` exited: {process.communicate()[0]}"
            assert time.monotonic() < deadline, f"`just broker` did not answer at {url}"
            time.sleep(POLL_SECONDS)  # poll interval; readiness is decided by the heartbeat
        yield process, url


def test_just_broker_ends_with_exit_0_when_its_server_is_stopped(
    foreground: tuple[subprocess.Popen[str], str],
) -> None:
    process, url = foreground
    # The deepest one: `just` runs `uv run`, which runs the server's own Python process.
    server = [pid for pid in children(process.pid) if "local-pact-broker" in command_line(pid)][-1]
    assert "python" in command_line(server), command_line(server)

    os.kill(server, signal.SIGTERM)  # what `kill PID` or a process manager sends
    said, _ = process.communicate(timeout=30)

    assert process.returncode == 0, f"`just broker` exited {process.returncode}:\n{said}"
    assert "Application shutdown complete" in said, said
    assert "error" not in said.lower(), said
    assert "Traceback" not in said
    assert not healthy(url)


def test_ctrl_c_stops_just_broker_cleanly_with_no_failed_recipe(
    foreground: tuple[subprocess.Popen[str], str],
) -> None:
    process, _ = foreground

    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole group
    said, _ = process.communicate(timeout=30)

    assert "Application shutdown complete" in said, f"the server did not shut down:\n{said}"
    assert "recipe `broker` failed" not in said, said
    assert "Traceback" not in said
    # `just` itself got the Ctrl-C too, and by its own rule ends as interrupted (130), saying
    # only that: the server beneath it stopped cleanly.
    assert said.splitlines()[-1] == "error: interrupted by SIGINT", said
    assert process.returncode == 130


def test_serve_provider_listens_on_port_and_stops_with_exit_0(tmp_path: Path) -> None:
    port = free_port()
    env = clean_environment(
        {"PORT": str(port), "USER_SERVICE_DATABASE_PATH": str(tmp_path / "users.sqlite3")}
    )
    # One client for every poll: each new one parses the CA bundle (~50 ms of CPU).
    with (
        recipe_in_own_group("serve-provider", env) as process,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False) as client,
    ):
        deadline, answer = time.monotonic() + READY_DEADLINE_SECONDS, None
        while answer is None:
            assert process.poll() is None, f"serve-provider exited: {process.communicate()[0]}"
            assert time.monotonic() < deadline, f"nothing answered on PORT={port}"
            try:
                answer = client.get("/health")
            except httpx.TransportError:
                time.sleep(POLL_SECONDS)  # poll interval; readiness is decided by /health
        assert answer.status_code == 200
        assert client.get("/users/1").status_code == 200
        # The deepest one: `just` runs `uv run`, which runs the server's own Python process.
        server = [pid for pid in children(process.pid) if "user-service" in command_line(pid)][-1]
        os.kill(server, signal.SIGTERM)  # what `kill PID` or a process manager sends
        said, _ = process.communicate(timeout=30)

    assert process.returncode == 0, f"`just serve-provider` exited {process.returncode}:\n{said}"
    assert "Application shutdown complete" in said, said
    assert "recipe `serve-provider` failed" not in said, said


def test_release_recipes_use_the_broker_broker_up_started(
    tmp_path: Path, sample_pact: Path
) -> None:
    port, pacts = free_port(), tmp_path / "pacts"
    pacts.mkdir()
    shutil.copy(sample_pact, pacts / sample_pact.name)
    env = clean_environment(
        {
            **VERSIONS,
            "PACT_BROKER_PORT": str(port),
            "PACT_BROKER_STATE_DIR": str(tmp_path / "state"),
            "PACT_BROKER_DATABASE": str(tmp_path / "broker.sqlite3"),
        }
    )
    url = f"http://127.0.0.1:{port}"
    started = just("broker-up", env=env)
    try:
        assert started.returncode == 0, started.stderr
        published = just("publish", str(pacts), env=env)
        refused = just("record-deployment", "notification-service", "staging", env=env)
    finally:
        stopped = just("broker-down", env=env)
    assert stopped.returncode == 0, stopped.stderr

    assert published.returncode == 0, published.stdout + published.stderr
    assert published.stdout.splitlines()[0] == (
        f"using the local Pact Broker at {url} (from `just broker-up`; "
        "PACT_BROKER_BASE_URL overrides)"
    )
    assert f"Pact successfully published for {CONSUMER} version web-1" in published.stdout
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        f"error: environment 'staging' does not exist on the Pact Broker at {url} (it has none "
        "yet): create it with `just create-environment staging`"
    ], "one line, and no second one from `just` (`recipe ... failed`)"
    assert CROSS not in refused.stdout + refused.stderr
