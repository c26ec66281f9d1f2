"""docs/adopting.md, run: every command it shows, in a team's own project, as the guide says.

The project (``guide_project``: a FastAPI provider ``user-api``, a consumer ``mailer`` with
pact tests) is written to a temporary folder and made a git repository; the files the guide
shows in full (its configuration, client settings, state handlers) are taken from the guide.
Then the guide is walked top to bottom (see ``guide_markdown`` for how it marks things):
each ``bash`` command runs in a subprocess with the installed ``contract-first`` (the one
beside this interpreter) first on PATH and a local Pact Broker in ``PACT_BROKER_BASE_URL``
from the broker section on, and must exit with the code the guide promises and print the
lines it shows. Each ``guide-step`` is a developer's edit or commit, from ``STEPS``.

The install block runs for real in a fresh virtual environment, in the background while the
rest goes on: ``pip install ./toolkit`` from a copy of the toolkit, resolving every dependency
through the package index pip is configured with, as a team would. (contract-first is not on
PyPI, so ``pip install contract-first`` cannot be run and the guide does not show it as a
command.) A venv that borrows this one's packages instead would not prove the dependency list
is complete, which is the point of the step.
"""

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import typer
from typer.core import TyperGroup

from contract_first.cli.app import app as cli_app
from local_pact_broker.background import running_broker

from . import guide_project
from .guide_markdown import (
    Block,
    Command,
    Step,
    contract_first_commands,
    excerpt_found,
    missing_output,
    read_guide,
)

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "adopting.md"
BIN = Path(sys.executable).parent
COMMAND_TIMEOUT_SECONDS = 180
INSTALL_TIMEOUT_SECONDS = 600
# Variables of this run that would change what the guide's commands do, so they are not passed
# on: another broker or configuration, results published because this run is CI, the outer
# pytest, venv or git settings.
NOT_PASSED_ON = ("PACT_", "CONTRACT_FIRST_", "PYTEST_", "GITHUB_", "GIT_", "VIRTUAL_ENV", "UV_")
NOT_PASSED_ON_EXACTLY = {"CI", "CI_COMMIT_REF_NAME", "PYTHONPATH"}


@dataclass
class Ran:
    """One command as it ran: where the guide shows it, its exit code, output and time."""

    command: Command
    exit_code: int
    output: str
    seconds: float

    def shown(self) -> str:
        return (
            f"docs/adopting.md:{self.command.line}: `{self.command.text}` exited "
            f"{self.exit_code} (the guide says {self.command.exit_code}) in "
            f"{self.seconds:.1f}s; it printed:\n{self.output}"
        )


@dataclass(frozen=True)
class Where:
    """Where a block's commands run, and with which environment."""

    cwd: Path
    env: Mapping[str, str]
    background: bool = False


@dataclass
class Sandbox:
    """The team's project, the broker, and where the next commands run."""

    tmp: Path
    broker_url: str
    env: dict[str, str]
    next_block: Where | None = None
    code_seen: set[str] = field(default_factory=set)
    log: list[Ran] = field(default_factory=list)

    @property
    def project(self) -> Path:
        return self.tmp / "project"

    def write(self, files: Mapping[str, str]) -> None:
        for name, text in files.items():
            path = self.project / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        self.remember_code()

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.project / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{name} should hold {old!r} once, for a step to edit it"
        path.write_text(text.replace(old, new), encoding="utf-8")
        self.remember_code()

    def git(self, *arguments: str) -> None:
        subprocess.run(
            ["git", *arguments], cwd=self.project, env=self.env, check=True, capture_output=True
        )

    def commit(self, message: str) -> None:
        self.git("add", "--all")
        self.git("commit", "--quiet", "--allow-empty", "--message", message)

    def remember_code(self) -> None:
        """Keep every Python file as it is now: the guide's excerpts must be among them."""
        for path in self.project.rglob("*.py"):
            if "__pycache__" not in path.parts:
                self.code_seen.add(path.read_text(encoding="utf-8"))


def _environment(tmp: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(NOT_PASSED_ON) and name not in NOT_PASSED_ON_EXACTLY
    }
    scratch = tmp / "tmp"
    scratch.mkdir()
    return env | {
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PACT_DO_NOT_TRACK": "true",
        "PYTHONDONTWRITEBYTECODE": "1",  # no __pycache__ to make the project's git tree dirty
        # The team's pytest has pact-python's plugin, not this workspace's API fuzzers: their
        # plugins import hypothesis and schemathesis (~2.5 s) at every `pytest` start.
        "PYTEST_ADDOPTS": "-p no:schemathesis -p no:hypothesispytest",
        "TMPDIR": str(scratch),  # mktemp and contract-first's {scratch} stay in tmp_path
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Guide",
        "GIT_AUTHOR_EMAIL": "guide@example.com",
        "GIT_COMMITTER_NAME": "Guide",
        "GIT_COMMITTER_EMAIL": "guide@example.com",
    }


# The steps the guide names: what a developer does between its commands.


def _install(sandbox: Sandbox) -> None:
    """The next block runs in a fresh venv (made in the background job) beside a toolkit copy."""
    folder = sandbox.tmp / "install"
    shutil.copytree(
        ROOT / "toolkit",
        folder / "toolkit",
        ignore=shutil.ignore_patterns("tests", "__pycache__", "*_cache", "*.egg-info", "build"),
    )
    venv = folder / "venv"
    env = dict(sandbox.env)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    # The guide's own command; compiling every installed module's bytecode is CPU this test
    # does not need (the venv runs a handful of commands), so pip is told to skip it.
    env["PIP_NO_COMPILE"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    sandbox.next_block = Where(folder, env, background=True)


def _try_without_configuration(sandbox: Sandbox) -> None:
    """The next block runs in a folder with the provider's code and the pacts, no pyproject."""
    folder = sandbox.tmp / "try"
    shutil.copytree(sandbox.project / "user_api", folder / "user_api")
    shutil.copytree(sandbox.project / "pacts", folder / "pacts")
    (folder / "tests").mkdir()
    for name in ("__init__.py", "provider_states.py"):
        shutil.copy(sandbox.project / "tests" / name, folder / "tests" / name)
    sandbox.next_block = Where(folder, sandbox.env)


def _commit_and_use_the_broker(sandbox: Sandbox) -> None:
    sandbox.commit("user-api and mailer, with their contract")
    sandbox.env["PACT_BROKER_BASE_URL"] = sandbox.broker_url


def _consumer_asks_for_nickname(sandbox: Sandbox) -> None:
    sandbox.write(guide_project.CONSUMER_ASKS_FOR_NICKNAME)
    sandbox.commit("mailer: greet users by their nickname")


def _provider_sends_nickname(sandbox: Sandbox) -> None:
    sandbox.write(guide_project.PROVIDER_SENDS_NICKNAME)
    sandbox.edit("tests/provider_states.py", *guide_project.STATES_WITH_NICKNAME)


def _consumer_reads_typed_nickname(sandbox: Sandbox) -> None:
    sandbox.write(guide_project.CONSUMER_READS_TYPED_NICKNAME)


def _commit(sandbox: Sandbox) -> None:
    sandbox.commit("user-api sends nickname; mailer reads it from the regenerated client")


def _provider_renames_in_place(sandbox: Sandbox) -> None:
    sandbox.write(guide_project.PROVIDER_RENAMES_IN_PLACE)
    sandbox.edit("tests/provider_states.py", *guide_project.STATES_RENAMED)


def _undo_the_rename(sandbox: Sandbox) -> None:
    sandbox.git("reset", "--hard", "--quiet")
    sandbox.git("clean", "-d", "--force", "--quiet")


STEPS: dict[str, Callable[[Sandbox], None]] = {
    "install": _install,
    "try-without-configuration": _try_without_configuration,
    "commit-and-use-the-broker": _commit_and_use_the_broker,
    "consumer-asks-for-nickname": _consumer_asks_for_nickname,
    "provider-sends-nickname": _provider_sends_nickname,
    "consumer-reads-typed-nickname": _consumer_reads_typed_nickname,
    "commit": _commit,
    "provider-renames-in-place": _provider_renames_in_place,
    "undo-the-rename": _undo_the_rename,
}


def _run(command: Command, where: Where) -> Ran:
    started = time.perf_counter()
    try:
        finished = subprocess.run(
            ["bash", "-c", command.text],
            cwd=where.cwd,
            env=dict(where.env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=INSTALL_TIMEOUT_SECONDS if where.background else COMMAND_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        output = error.output if isinstance(error.output, str) else ""
        return Ran(command, -1, f"{output}\n(timed out)", time.perf_counter() - started)
    return Ran(command, finished.returncode, finished.stdout, time.perf_counter() - started)


def _run_block(block: Block, where: Where) -> list[Ran]:
    """Every command of the block, in order, stopping at the first that does not keep its word."""
    ran: list[Ran] = []
    for command in block.commands():
        ran.append(_run(command, where))
        if ran[-1].exit_code != command.exit_code:
            break
    return ran


def _fresh_venv(venv: Path) -> None:
    """A venv with pip and nothing else, from this Python; with uv when there is one.

    ``uv venv --seed`` puts pip in from uv's cache in a fraction of a second; ``python -m
    venv`` has ensurepip install it from its bundled wheel, which costs seconds of CPU. Either
    way the venv borrows none of this one's packages.
    """
    uv = os.environ.get("UV") or shutil.which("uv")
    if uv:
        command = [uv, "venv", "--quiet", "--seed", "--python", sys.executable, str(venv)]
    else:
        command = [sys.executable, "-m", "venv", str(venv)]
    # Compiling pip's bytecode (as this workspace's installs do) is CPU the venv does not need.
    environment = {k: v for k, v in os.environ.items() if k != "UV_COMPILE_BYTECODE"}
    subprocess.run(command, check=True, capture_output=True, env=environment)


def _install_in_fresh_venv(block: Block, where: Where) -> list[Ran]:
    _fresh_venv(Path(where.env["VIRTUAL_ENV"]))
    return _run_block(block, where)


def _check(block: Block, ran: list[Ran]) -> None:
    for each in ran:
        assert each.exit_code == each.command.exit_code, each.shown()
    assert len(ran) == len(block.commands())
    if block.output is not None:
        said = "".join(each.output for each in ran)
        missing = missing_output(block.output, said)
        assert not missing, (
            f"docs/adopting.md:{block.line}: these lines of the output the guide shows were not "
            f"printed: {missing}\n" + "\n".join(each.shown() for each in ran)
        )


def _write_guide_file(sandbox: Sandbox, block: Block) -> None:
    assert block.file is not None
    path = sandbox.project / block.file
    path.parent.mkdir(parents=True, exist_ok=True)
    if block.file == "pyproject.toml":  # the guide's table joins the project's own file
        path.write_text(path.read_text(encoding="utf-8") + block.text, encoding="utf-8")
    else:
        path.write_text(block.text, encoding="utf-8")
    sandbox.remember_code()


def _walk(sandbox: Sandbox, items: list[Step | Block], pool: ThreadPoolExecutor) -> None:
    """Do what the guide says, in its order; the install block runs in the background."""
    install: tuple[Block, Future[list[Ran]]] | None = None
    for item in items:
        if isinstance(item, Step):
            assert item.name in STEPS, f"docs/adopting.md:{item.line}: no step {item.name!r}"
            STEPS[item.name](sandbox)
        elif item.file is not None:
            _write_guide_file(sandbox, item)
        elif item.info == "bash":
            where = sandbox.next_block or Where(sandbox.project, dict(sandbox.env))
            sandbox.next_block = None
            if where.background:
                assert install is None, "the guide has one install block"
                install = (item, pool.submit(_install_in_fresh_venv, item, where))
                continue
            ran = _run_block(item, where)
            sandbox.log += ran
            _check(item, ran)
            sandbox.remember_code()
    assert install is not None, "the guide shows how to install the toolkit"
    block, job = install
    waited = time.perf_counter()
    ran = job.result(timeout=INSTALL_TIMEOUT_SECONDS)
    print(f"waited {time.perf_counter() - waited:.1f}s for the install to finish")
    sandbox.log += ran
    _check(block, ran)


def test_every_command_in_the_guide_does_what_the_guide_says(tmp_path: Path) -> None:
    items = read_guide(GUIDE)
    steps = {item.name for item in items if isinstance(item, Step)}
    assert steps == set(STEPS), "every step the test knows is one the guide takes, and back"
    with (
        running_broker(tmp_path / "broker.sqlite3", tmp_path / "broker.log") as broker_url,
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        sandbox = Sandbox(tmp_path, broker_url, _environment(tmp_path))
        sandbox.project.mkdir()
        sandbox.write(guide_project.PROJECT)
        sandbox.git("init", "--quiet", "--initial-branch", "main")
        try:
            _walk(sandbox, items, pool)
        finally:
            # What every command printed, for a person reading a failure (pytest -s shows the path).
            transcript = tmp_path / "transcript.txt"
            transcript.write_text(
                "\n".join(f"$ {each.command.text}\n{each.output}" for each in sandbox.log),
                encoding="utf-8",
            )
            print(f"\n{transcript}")
            for each in sandbox.log:
                print(f"{each.seconds:5.1f}s  {each.exit_code}  {each.command.text}")
    venv_cli = tmp_path / "install" / "venv" / "bin" / "contract-first"
    assert venv_cli.is_file(), "pip install ./toolkit put contract-first in the fresh venv"
    excerpts = [i for i in items if isinstance(i, Block) and i.info == "python" and not i.file]
    for excerpt in excerpts:
        assert excerpt_found(excerpt.text, sandbox.code_seen), (
            f"docs/adopting.md:{excerpt.line}: this excerpt is not in the project's code at any "
            f"step:\n{excerpt.text}"
        )


def _verbs() -> TyperGroup:
    group = typer.main.get_command(cli_app)
    assert isinstance(group, TyperGroup)
    return group


def test_every_contract_first_command_the_guide_names_is_a_real_one() -> None:
    """Commands in running text and in workflows are not run; their verbs and flags must exist."""
    verbs = _verbs()
    named = contract_first_commands(GUIDE.read_text(encoding="utf-8"))
    assert len(named) > 10
    for words in named:
        verb = words[1]
        assert verb in verbs.commands, f"`{' '.join(words)}`: no verb {verb!r}"
        flags = {flag for param in verbs.commands[verb].params for flag in param.opts}
        for word in words[2:]:
            option = word.strip("[]").split("=")[0]
            if option.startswith("--"):
                assert option in flags, f"`{' '.join(words)}`: {verb} has no {option}"


def test_the_guides_workflows_are_valid_github_actions(tmp_path: Path) -> None:
    """The workflows cannot run here; they are checked against GitHub's workflow schema."""
    workflows = [
        item
        for item in read_guide(GUIDE)
        if isinstance(item, Block) and item.info == "yaml" and item.file is None
    ]
    assert len(workflows) == 3
    files = []
    for number, workflow in enumerate(workflows):
        files.append(tmp_path / f"workflow-{number}.yml")
        files[-1].write_text(workflow.text, encoding="utf-8")
    checked = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
