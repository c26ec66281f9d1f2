"""`just ci` reuses a test folder or the demo only when its inputs are those of a passing run.

Each test runs the real scripts/ci_pipeline.py with the real `just` on a scratch git
repository whose Justfile has the same recipes as ours, cheap ones: `test` runs a real pytest
(without plugins, which cost seconds) on two small test folders; `demo` appends a line to a
git-ignored log, so a test can count its runs.
"""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
JUST = shutil.which("just", path=str(Path(sys.executable).parent)) or shutil.which("just")
STEPS_THAT_ONLY_PASS = ("sync", "browser", "pact", "lint", "check-drift", "verify")

JUSTFILE = """\
test *args:
    PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 {python} -m pytest -q -p no:cacheprovider {{{{args}}}}

demo:
    echo ran >> runs/demo.log

check-pacts-against-spec:
    test ! -e runs/break-a-check
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with our pipeline, two test folders and a cheap Justfile."""
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    for name in ("ci_pipeline.py", "ci_reuse.py"):
        shutil.copy(ROOT / "scripts" / name, repo / "scripts" / name)
    justfile = JUSTFILE.format(python=sys.executable)
    justfile += "".join(f"\n{step}:\n    true\n" for step in STEPS_THAT_ONLY_PASS)
    (repo / "Justfile").write_text(justfile, encoding="utf-8")
    (repo / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\ntestpaths = ["alpha/tests", "beta/tests"]\n'
        'addopts = "--import-mode=importlib"\n',
        encoding="utf-8",
    )
    (repo / ".gitignore").write_text("/runs/\n/.ci-cache/\n__pycache__/\n", encoding="utf-8")
    (repo / "runs").mkdir()
    (repo / "alpha" / "tests").mkdir(parents=True)
    (repo / "alpha" / "tests" / "test_alpha.py").write_text(
        "def test_one() -> None:\n    pass\n\n\ndef test_two() -> None:\n    pass\n",
        encoding="utf-8",
    )
    (repo / "alpha" / "shared.py").write_text("VALUE = 1\n", encoding="utf-8")
    (repo / "beta" / "tests").mkdir(parents=True)
    (repo / "beta" / "tests" / "test_beta.py").write_text(
        "def test_three() -> None:\n    pass\n", encoding="utf-8"
    )
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    return repo


def ci(repo: Path, *args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """`just ci` as the Justfile runs it: the pipeline script with the real just."""
    assert JUST, "just is not installed beside this interpreter: run `uv sync`"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    return subprocess.run(
        [sys.executable, "scripts/ci_pipeline.py", "--just", JUST, *args],
        cwd=repo,
        env={**env, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def summary(run: subprocess.CompletedProcess[str]) -> str:
    lines = run.stdout.strip().splitlines()
    assert lines, f"the pipeline printed nothing; stderr:\n{run.stderr}"
    return lines[-1]


def demo_runs(repo: Path) -> int:
    log = repo / "runs" / "demo.log"
    return len(log.read_text(encoding="utf-8").splitlines()) if log.is_file() else 0


def test_a_first_run_runs_everything_and_a_second_reuses_tests_and_demo(repo: Path) -> None:
    first = ci(repo)
    assert first.returncode == 0, first.stdout + first.stderr
    assert summary(first).startswith("ci: 9 checks passed, 3 tests passed, ")
    assert "reused" not in first.stdout

    second = ci(repo)
    assert second.returncode == 0, second.stdout + second.stderr
    assert summary(second).startswith(
        "ci: 9 checks passed (test, demo reused), 3 tests passed (3 reused: same inputs as a "
        "passing run), "
    ), summary(second)
    assert "reused: alpha/tests: 2 tests passed at " in second.stdout
    assert demo_runs(repo) == 1, "the demo ran again on unchanged inputs"


def test_editing_one_folders_test_module_reruns_that_folder_alone(repo: Path) -> None:
    assert ci(repo).returncode == 0
    with (repo / "beta" / "tests" / "test_beta.py").open("a", encoding="utf-8") as module:
        module.write("\n\ndef test_four() -> None:\n    pass\n")

    run = ci(repo)

    assert run.returncode == 0, run.stdout + run.stderr
    assert "reused: alpha/tests: 2 tests passed" in run.stdout
    assert "reused: beta/tests" not in run.stdout
    assert "2 passed" in run.stdout  # beta's two tests ran
    assert summary(run).startswith("ci: 9 checks passed, 4 tests passed (2 reused"), summary(run)
    assert demo_runs(repo) == 2, "the demo reads every file: a changed test module reruns it"


@pytest.mark.parametrize(
    "change",
    ["edit a shared module", "add a new file", "delete a file", "set a PACT_ variable"],
)
def test_any_other_change_reruns_every_folder_and_the_demo(repo: Path, change: str) -> None:
    assert ci(repo).returncode == 0
    environment = {}
    if change == "edit a shared module":
        (repo / "alpha" / "shared.py").write_text("VALUE = 2\n", encoding="utf-8")
    elif change == "add a new file":
        (repo / "notes.md").write_text("new\n", encoding="utf-8")
    elif change == "delete a file":
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
        (repo / "alpha" / "shared.py").unlink()
    else:
        environment = {"PACT_BROKER_BASE_URL": "http://127.0.0.1:9"}

    run = ci(repo, **environment)

    assert run.returncode == 0, run.stdout + run.stderr
    assert "reused" not in run.stdout, f"{change}: something was reused\n{run.stdout}"
    assert demo_runs(repo) == 2


def test_fresh_reuses_nothing(repo: Path) -> None:
    assert ci(repo).returncode == 0

    run = ci(repo, "--fresh")

    assert run.returncode == 0
    assert "reused" not in run.stdout
    assert demo_runs(repo) == 2


def test_a_failing_run_is_not_remembered_as_passing(repo: Path) -> None:
    (repo / "alpha" / "tests" / "test_alpha.py").write_text(
        "def test_one() -> None:\n    assert False, 'broken'\n", encoding="utf-8"
    )
    (repo / "runs" / "break-a-check").touch()
    first = ci(repo)
    assert first.returncode == 1
    assert summary(first).startswith("ci: FAILED test, check-pacts-against-spec;"), summary(first)

    again = ci(repo)

    assert again.returncode == 1
    assert "reused: alpha/tests" not in again.stdout, "a failed folder was reused"
    assert "reused: beta/tests: 1 tests passed" not in again.stdout  # nothing recorded at all
    assert demo_runs(repo) == 1, "the demo passed on these inputs: it is reused"


def test_outside_a_git_work_tree_nothing_is_reused(repo: Path) -> None:
    shutil.rmtree(repo / ".git")
    assert ci(repo).returncode == 0

    run = ci(repo)

    assert run.returncode == 0
    assert "reused" not in run.stdout
    assert demo_runs(repo) == 2


def test_no_module_imports_a_test_module_of_another_test_folder() -> None:
    """What lets a folder's key leave out the other folders' test modules."""
    folders = ["toolkit/tests", "consumer/notifications/tests", "consumer/signup/tests"]
    folders += ["provider/tests", "broker/tests", "scripts/tests"]
    found = []
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "*.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    for name in listed.stdout.split():
        home = next((f for f in folders if name.startswith(f + "/")), None)
        tree = ast.parse((ROOT / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                continue  # relative: inside its own folder
            modules = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for module in modules:
                parts = module.split(".")
                if any(part.startswith("test_") for part in parts):
                    target = "/".join(parts)
                    if home is None or not target.startswith(home):
                        found.append(f"{name} imports {module}")
    assert found == [], "a test module is imported from another folder: " + "; ".join(found)


@pytest.mark.parametrize("record", ["not json", "[]", '{"demo": 5}', '{"demo": [{"key": 1}]}'])
def test_an_unreadable_record_reuses_nothing_and_is_rewritten(repo: Path, record: str) -> None:
    (repo / ".ci-cache").mkdir()
    (repo / ".ci-cache" / "passing-runs.json").write_text(record, encoding="utf-8")

    first = ci(repo)
    second = ci(repo)

    assert first.returncode == 0, first.stdout + first.stderr
    assert "reused" not in first.stdout
    assert "(test, demo reused)" in summary(second), summary(second)
