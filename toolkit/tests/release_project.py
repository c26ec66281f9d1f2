"""A project the release verbs run in: the sample provider and consumer, configured, no git.

Every command is a real process: ``contract-first`` (the installed CLI) and
``local-pact-broker up``/``down``, run from the project folder with only the variables a test
gives them, so nothing from the caller's shell (a PACT_BROKER_BASE_URL, CI=true, the
Justfile's CONTRACT_FIRST_RUNNER) changes what they do.
"""

import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from local_pact_broker.background import free_port

from .sample_project import APP, CONSUMER, PROVIDER, STATES

CLI = Path(sys.executable).parent / "contract-first"
CROSS = "\u274c"  # the official CLI's mark, which no line of ours may carry
CONFIG = f"""\
[tool.contract-first]
pacts = "pacts"

[tool.contract-first.pacticipants.{PROVIDER}]
role = "provider"
app = "things_app:app"
states = "things_states:states"

[tool.contract-first.pacticipants.{CONSUMER}]
role = "consumer"
"""
VERSIONS = {
    "PACT_CONSUMER_VERSION": "web-1",
    "PACT_CONSUMER_BRANCH": "main",
    "PACT_PROVIDER_VERSION": "things-1",
    "PACT_PROVIDER_BRANCH": "main",
}


def clean_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without any Pact, toolkit or CI setting, plus ``env``."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PACT_", "CONTRACT_FIRST", "GITHUB_")) and key != "CI"
    }
    return {**inherited, "PACT_DO_NOT_TRACK": "true", **(env or {})}


@dataclass(frozen=True)
class ReleaseProject:
    """A configured project folder; its local broker (if started) listens on ``port``."""

    root: Path
    port: int

    @property
    def pacts(self) -> Path:
        """The consumer's pacts."""
        return self.root / "pacts"

    @property
    def local_url(self) -> str:
        """Where ``local-pact-broker up`` serves this project's broker."""
        return f"http://127.0.0.1:{self.port}"

    def run(self, *arguments: str, env: dict[str, str] | None = None) -> "Outcome":
        """``contract-first ARGS`` from the project folder, versions pinned, nothing inherited."""
        result = subprocess.run(
            [str(CLI), *arguments],
            cwd=self.root,
            env=clean_environment({**VERSIONS, **(env or {})}),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return Outcome(result.returncode, result.stdout, result.stderr)

    def broker(self, verb: str, env: dict[str, str] | None = None) -> "Outcome":
        """``local-pact-broker up|down|status`` for this project (its ``.broker/``)."""
        settings = {"PACT_BROKER_PORT": str(self.port), **(env or {})}
        result = subprocess.run(
            [sys.executable, "-m", "local_pact_broker", verb],
            cwd=self.root,
            env=clean_environment(settings),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return Outcome(result.returncode, result.stdout, result.stderr)


@dataclass(frozen=True)
class Outcome:
    """How a command exited and what it printed."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def said(self) -> str:
        """Everything printed, for assertion messages."""
        return f"exit {self.exit_code}\n--- stdout\n{self.stdout}--- stderr\n{self.stderr}"

    def one_error_line(self) -> str:
        """The single ``error:`` line a failed verb prints; fails the test if there is more."""
        lines = self.stderr.splitlines()
        assert len(lines) == 1, f"expected one line on stderr:\n{self.said}"
        [line] = lines
        assert line.startswith("error: "), f"the line does not start with 'error: ':\n{self.said}"
        assert CROSS not in self.stdout + self.stderr, f"the CLI's mark leaked:\n{self.said}"
        assert "Traceback" not in self.stdout + self.stderr, self.said
        return line


def write_release_project(root: Path, pact: Path, more_config: str = "") -> ReleaseProject:
    """The sample provider, a copy of its consumer's ``pact``, and a [tool.contract-first] table.

    ``more_config`` is appended to the table (more pacticipants, say).
    """
    (root / "pacts").mkdir(parents=True)
    (root / "things_app.py").write_text(APP, encoding="utf-8")
    (root / "things_states.py").write_text(textwrap.dedent(STATES), encoding="utf-8")
    (root / "pyproject.toml").write_text(CONFIG + more_config, encoding="utf-8")
    shutil.copy(pact, root / "pacts" / pact.name)
    return ReleaseProject(root=root, port=free_port())
