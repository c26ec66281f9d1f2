"""Reuse of `just ci`'s slow steps when their inputs are byte for byte those of a passing run.

A test folder (one of pytest's `testpaths`) or the demo is run again only when something it
could read has changed since it last passed here. The inputs are:

- every file git would commit: tracked or new, not ignored (`git ls-files -co
  --exclude-standard`), read from disk, so uncommitted edits count;
- the pacts in pacts/, which `just pact` writes before the tests read them;
- the interpreter and platform, the Chromium the page test drives, and the environment
  variables that steer the tools (`PACT_*`, `CONTRACT_FIRST_*`, `USER_SERVICE_*`, `CHROMIUM`,
  `CI`), as digests only: a token's value is never stored.

A test folder's key leaves out the other folders' test modules (`test_*.py`): pytest collects
them and nothing imports them across folders (checked in `test_modules_of_other_folders`), so
editing one folder's tests reruns that folder alone. Any other change reruns every folder.
Outside a git work tree nothing is reused.

Passing runs are kept in .ci-cache/passing-runs.json (git-ignored), the last few keys per
step, so switching back to a branch that passed reuses its results too.
"""

import hashlib
import json
import platform
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

RECORD = Path(".ci-cache") / "passing-runs.json"
KEPT_PER_STEP = 10
STEERING_PREFIXES = ("PACT_", "CONTRACT_FIRST_", "USER_SERVICE_")
STEERING_NAMES = ("CHROMIUM", "CI")
# Not inputs: where `just ci` writes its own timings, for `just bench`.
NOT_STEERING = ("CONTRACT_FIRST_CI_TIMINGS",)
# A JUnit test case holding one of these did not pass.
NOT_PASSED_TAGS = ("failure", "error", "skipped")


@dataclass(frozen=True)
class Passed:
    """A step that passed on these inputs: when, and how many tests it ran."""

    key: str
    tests: int
    at: str


def input_files(root: Path) -> list[str] | None:
    """Every file git would commit, relative to root, POSIX style; None outside a git tree."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    names = {name for name in listed.stdout.decode("utf-8").split("\0") if name}
    pacts = root / "pacts"
    if pacts.is_dir():
        names.update(path.relative_to(root).as_posix() for path in pacts.glob("*.json"))
    return sorted(names)


def file_digests(root: Path, names: Iterable[str]) -> dict[str, str]:
    """Each file's SHA-256, or "absent" for a tracked file deleted from the work tree."""
    digests = {}
    for name in names:
        path = root / name
        digests[name] = (
            hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "absent"
        )
    return digests


def environment_digest(environ: Mapping[str, str]) -> str:
    """What outside the files changes what the tests do, as one digest."""
    steering = sorted(
        (name, value)
        for name, value in environ.items()
        if (name.startswith(STEERING_PREFIXES) or name in STEERING_NAMES)
        and name not in NOT_STEERING
    )
    browser = environ.get("CHROMIUM") or shutil.which("chromium") or ""
    browser_stat = Path(browser).stat() if browser and Path(browser).exists() else None
    facts = {
        "python": sys.version,
        "platform": platform.platform(),
        "browser": [browser, browser_stat.st_size, browser_stat.st_mtime_ns]
        if browser_stat
        else None,
        "environment": steering,
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


def is_test_module(name: str) -> bool:
    """Whether a path is a pytest test module (`test_*.py`)."""
    path = PurePosixPath(name)
    return path.name.startswith("test_") and path.suffix == ".py"


def inside(name: str, folder: str) -> bool:
    """Whether a POSIX path lies in folder."""
    return name == folder or name.startswith(folder.rstrip("/") + "/")


def folder_key(
    digests: Mapping[str, str], environment: str, folder: str, folders: Iterable[str]
) -> str:
    """The key of a test folder: every input but the other folders' test modules."""
    others = [other for other in folders if other != folder]
    kept = {
        name: digest
        for name, digest in digests.items()
        if not (is_test_module(name) and any(inside(name, other) for other in others))
    }
    return _digest({"step": f"test:{folder}", "files": kept, "environment": environment})


def whole_key(digests: Mapping[str, str], environment: str, step: str) -> str:
    """The key of a step that may read any input."""
    return _digest({"step": step, "files": dict(digests), "environment": environment})


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


class PassingRuns:
    """The record of passing runs: which step passed on which key."""

    def __init__(self, root: Path) -> None:
        self.path = root / RECORD
        self.steps: dict[str, list[Passed]] = {}
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            self.steps = {
                step: [Passed(**entry) for entry in entries] for step, entries in stored.items()
            }
        except (OSError, ValueError, TypeError, AttributeError):
            self.steps = {}  # none yet, or unreadable: nothing is reused, it is rewritten

    def find(self, step: str, key: str) -> Passed | None:
        """The passing run of step on exactly this key, if any."""
        return next((each for each in self.steps.get(step, []) if each.key == key), None)

    def add(self, step: str, key: str, tests: int) -> None:
        """Remember that step passed on key, running that many tests."""
        at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        kept = [each for each in self.steps.get(step, []) if each.key != key]
        self.steps[step] = [Passed(key, tests, at), *kept][:KEPT_PER_STEP]

    def save(self) -> None:
        """Write the record (atomically: an interrupted write leaves the old one)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        stored = {step: [vars(each) for each in entries] for step, entries in self.steps.items()}
        partial = self.path.with_suffix(".tmp")
        partial.write_text(json.dumps(stored, indent=1, sort_keys=True), encoding="utf-8")
        partial.replace(self.path)


def passed_per_folder(report: Path, folders: Iterable[str]) -> dict[str, int] | None:
    """Tests that passed in each folder, from pytest's JUnit XML; None if one is not placed.

    A case is placed by its class name (`broker.tests.test_layers`): its `file` names the
    plugin's module for generated tests (schemathesis), not the test module.
    """
    counts = dict.fromkeys(folders, 0)
    for case in ElementTree.parse(report).getroot().iter("testcase"):  # noqa: S314 - ours
        module = case.get("classname", "").replace(".", "/")
        folder = next((each for each in counts if inside(module, each)), None)
        if folder is None:
            return None
        if all(case.find(outcome) is None for outcome in NOT_PASSED_TAGS):
            counts[folder] += 1
    return counts
