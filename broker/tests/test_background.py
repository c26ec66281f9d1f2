"""`local-pact-broker up|down|status`: a background broker that is health-checked, and stops."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from local_pact_broker.background import free_port, healthy, running_broker
from local_pact_broker.cli import build_parser, main

HEARTBEAT = "/diagnostic/status/heartbeat"


def local_pact_broker(
    *arguments: str, environment: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "local_pact_broker", *arguments],
        env=environment,
        cwd=cwd,
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


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """The commands' working directory: nothing may land in the repository's `.broker/`."""
    path = tmp_path / "work"
    path.mkdir()
    return path


@pytest.fixture
def stop_after(environment: dict[str, str], workdir: Path) -> Iterator[None]:
    """Whatever a test does, `down` runs after it so no broker outlives it."""
    yield
    local_pact_broker("down", environment=environment, cwd=workdir)


def test_up_status_down_round_trip(
    environment: dict[str, str], tmp_path: Path, workdir: Path
) -> None:
    url = f"http://127.0.0.1:{environment['PACT_BROKER_PORT']}"
    try:
        started = local_pact_broker("up", environment=environment, cwd=workdir)
        assert started.returncode == 0, started.stderr
        assert f"running at {url}" in started.stdout
        assert f"export PACT_BROKER_BASE_URL={url}" in started.stdout
        assert httpx.get(f"{url}{HEARTBEAT}").status_code == 200
        assert (tmp_path / "state" / "broker.pid").is_file()
        assert (tmp_path / "broker.sqlite3").is_file()

        again = local_pact_broker("up", environment=environment, cwd=workdir)
        assert again.returncode == 0, again.stderr
        assert "already running" in again.stdout

        running = local_pact_broker("status", environment=environment, cwd=workdir)
        assert running.returncode == 0, running.stderr
        assert f"healthy at {url}" in running.stdout
    finally:
        stopped = local_pact_broker("down", environment=environment, cwd=workdir)

    assert stopped.returncode == 0, stopped.stderr
    assert "stopped" in stopped.stdout
    assert not (tmp_path / "state" / "broker.pid").exists()
    assert not healthy(url)
    assert local_pact_broker("status", environment=environment, cwd=workdir).returncode == 1
    assert "not running" in local_pact_broker("down", environment=environment, cwd=workdir).stdout


@pytest.mark.usefixtures("stop_after")
def test_state_and_data_default_to_dot_broker_in_the_working_directory(
    environment: dict[str, str], workdir: Path
) -> None:
    del environment["PACT_BROKER_STATE_DIR"], environment["PACT_BROKER_DATABASE"]

    started = local_pact_broker("up", environment=environment, cwd=workdir)

    assert started.returncode == 0, started.stderr
    assert (workdir / ".broker" / "broker.pid").is_file()
    assert (workdir / ".broker" / "broker.log").is_file()
    assert (workdir / ".broker" / "broker.sqlite3").is_file()


@pytest.mark.parametrize("verb", ["up", "status"])
@pytest.mark.parametrize("port", ["abc", "70000", "0", "-1"])
def test_a_bad_port_is_refused(
    environment: dict[str, str], workdir: Path, verb: str, port: str
) -> None:
    result = local_pact_broker(
        verb, environment={**environment, "PACT_BROKER_PORT": port}, cwd=workdir
    )

    assert result.returncode == 2
    assert "PACT_BROKER_PORT must be a port number" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (Path(environment["PACT_BROKER_STATE_DIR"]) / "broker.pid").exists()


def test_an_unknown_verb_prints_usage(environment: dict[str, str], workdir: Path) -> None:
    result = local_pact_broker("restart", environment=environment, cwd=workdir)

    assert result.returncode == 2
    assert result.stderr.startswith("usage: local-pact-broker")
    assert "{serve,up,down,status}" in result.stderr
    assert "invalid choice: 'restart'" in result.stderr


def test_host_and_port_options_belong_to_serve(environment: dict[str, str], workdir: Path) -> None:
    result = local_pact_broker("--port", "9300", "up", environment=environment, cwd=workdir)

    assert result.returncode == 2
    assert "usage: local-pact-broker" in result.stderr
    assert "--host and --port apply to serve" in result.stderr


@pytest.mark.parametrize(
    ("argv", "command", "host", "port"),
    [
        ([], None, None, None),
        (["--host", "0.0.0.0", "--port", "9300"], None, "0.0.0.0", 9300),  # noqa: S104
        (["serve"], "serve", None, None),
        (["serve", "--port", "9300"], "serve", None, 9300),
        (["--port", "9300", "serve"], "serve", None, 9300),
        (["status"], "status", None, None),
    ],
)
def test_serve_is_the_default_command_and_keeps_host_and_port(
    argv: list[str], command: str | None, host: str | None, port: int | None
) -> None:
    args = build_parser().parse_args(argv)

    assert (args.command, args.host, args.port) == (command, host, port)


@pytest.mark.parametrize("argv", [["--port", "abc"], ["serve", "--port", "70000"]])
def test_serve_refuses_a_bad_port_option(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)

    assert exit_info.value.code == 2
    assert "must be a port number" in capsys.readouterr().err


def test_serve_refuses_a_bad_port_setting_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PACT_BROKER_PORT", "abc")

    assert main(["serve"]) == 2
    assert "refusing to start: PACT_BROKER_PORT:" in capsys.readouterr().err


def test_running_broker_serves_until_the_block_ends(tmp_path: Path) -> None:
    with running_broker(tmp_path / "broker.sqlite3", tmp_path / "broker.log") as url:
        assert httpx.get(f"{url}{HEARTBEAT}").status_code == 200

    assert not healthy(url)
    assert (tmp_path / "broker.sqlite3").is_file()
