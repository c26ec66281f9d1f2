"""`just ci`: every check CI runs, the independent ones side by side, then one line that sums up.

Usage: python scripts/ci_pipeline.py --just PATH/TO/just [--fresh]

Each step is one of the Justfile's recipes, run as `just --no-deps RECIPE`: the order between
them is decided here, from what each reads and writes, so nothing runs twice.

- `sync` and `browser` first: every other step runs in the workspace; the tests need Chromium.
- Then, side by side: `pact` (it writes pacts/), `lint`, `check-drift` (both read only the
  sources) and `demo` (its own scratch broker, database and pacts).
- Once `pact` has written pacts/: `test`, `verify` and `check-pacts-against-spec`.

A step's output is printed whole when it ends, so steps that run together never interleave.
The last line says how many checks and tests passed and how long it all took, e.g.
`ci: 9 checks passed, 733 tests passed, 41.2 s`; the exit code is 1 if any step failed.

The two slow steps reuse a passing run whose inputs were byte for byte the same (see
scripts/ci_reuse.py): each test folder of `test`, and `demo`. What is reused is said in the
step's output and counted apart on the last line; `--fresh` runs everything. A clean clone
(as CI has) has no passing run to reuse, so there every step runs.
With $CONTRACT_FIRST_CI_TIMINGS set to a file, each step's seconds are written there as JSON
(what `just bench` reads to show where the seconds of `just ci` go).
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ci_reuse import (
    RECORD,
    PassingRuns,
    environment_digest,
    file_digests,
    folder_key,
    input_files,
    passed_per_folder,
    whole_key,
)

ROOT = Path(__file__).resolve().parent.parent
TIMINGS_ENV = "CONTRACT_FIRST_CI_TIMINGS"
# Recipes whose pytest summary counts towards "tests passed".
TEST_STEPS = ("pact", "test")
# pytest's closing line: "728 passed, 1 failed in 41.20s" (with or without the ==== frame).
PYTEST_SUMMARY = re.compile(r"^=*\s*(\d+ \w+(?:, \d+ \w+)*) in [\d.]+s")
PYTEST_COUNT = re.compile(r"(\d+) (\w+)")
# The outcomes of tests that did not pass, as pytest names them (warnings are not tests).
NOT_PASSED = ("failed", "error", "skipped", "xfailed", "xpassed")
# Steps that read every input and may be reused whole (`test` is reused per test folder).
REUSED_WHOLE = ("demo",)
TEST_REPORT = RECORD.parent / "test-report.xml"


@dataclass(frozen=True)
class Step:
    """A recipe, and the steps that must have passed before it starts."""

    recipe: str
    after: tuple[str, ...] = ()


# In the order they start when ready: `test` is the longest, so it goes first once pacts exist.
STEPS = (
    Step("sync"),
    Step("browser"),
    Step("pact", after=("sync",)),
    Step("test", after=("pact", "browser")),
    Step("demo", after=("sync",)),
    Step("lint", after=("sync",)),
    Step("check-drift", after=("sync",)),
    Step("verify", after=("pact",)),
    Step("check-pacts-against-spec", after=("pact",)),
)


@dataclass
class Outcome:
    """How a step ended: passed, failed, or not run because a step before it failed."""

    status: str = "pending"
    seconds: float = 0.0
    output: str = ""
    reused_tests: int = 0
    reused: bool = False
    done: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True)
class Inputs:
    """What the steps read, as digests: the files (None outside git) and the environment."""

    files: Mapping[str, str] | None
    environment: str

    @classmethod
    def read(cls, root: Path) -> "Inputs":
        """Digest every input file now."""
        names = input_files(root)
        files = file_digests(root, names) if names is not None else None
        return cls(files, environment_digest(os.environ))

    def folder_keys(self, folders: Sequence[str]) -> dict[str, str]:
        """Each test folder's key; empty outside git (then nothing is reused)."""
        if self.files is None:
            return {}
        return {f: folder_key(self.files, self.environment, f, folders) for f in folders}

    def step_key(self, step: str) -> str | None:
        """The key of a step that reads its own scratch copies, not the pacts `pact` writes."""
        if self.files is None:
            return None
        files = {n: digest for n, digest in self.files.items() if not n.startswith("pacts/")}
        return whole_key(files, self.environment, step)


def test_folders(root: Path) -> list[str]:
    """The `testpaths` of pytest, which `just test` runs (the consumers' Pact tests are `pact`)."""
    with (root / "pyproject.toml").open("rb") as file:
        options = tomllib.load(file)["tool"]["pytest"]["ini_options"]
    return [str(folder) for folder in options["testpaths"]]


def pytest_counts(output: str) -> dict[str, int]:
    """The counts on pytest's closing line: {"passed": 728, "failed": 1}."""
    counts: dict[str, int] = {}
    for line in output.splitlines():
        summary = PYTEST_SUMMARY.match(line.strip())
        if summary:
            counts = {
                kind.rstrip("s") if kind == "errors" else kind: int(number)
                for number, kind in PYTEST_COUNT.findall(summary.group(1))
            }
    return counts


class Pipeline:
    """Runs the steps as their predecessors pass, and prints each one's output as it ends."""

    def __init__(self, just: str, steps: Sequence[Step], fresh: bool = False) -> None:
        self.just = just
        self.steps = steps
        self.fresh = fresh
        self.outcomes = {step.recipe: Outcome() for step in steps}
        self.processes: dict[str, subprocess.Popen[str]] = {}
        self.print_lock = threading.Lock()
        self.record = PassingRuns(ROOT)
        self.record_lock = threading.Lock()

    def run(self) -> bool:
        """Every step, each in its own thread; True when all passed."""
        threads = [
            threading.Thread(target=self._run_step, args=(step,), name=step.recipe, daemon=True)
            for step in self.steps
        ]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                while thread.is_alive():
                    thread.join(timeout=0.5)
        except KeyboardInterrupt:
            self.stop()
            raise
        return all(outcome.status == "passed" for outcome in self.outcomes.values())

    def stop(self) -> None:
        """End the steps still running (each its own process group: our children only)."""
        for process in list(self.processes.values()):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)

    def _run_step(self, step: Step) -> None:
        outcome = self.outcomes[step.recipe]
        for before in step.after:
            self.outcomes[before].done.wait()
        failed_before = [b for b in step.after if self.outcomes[b].status != "passed"]
        if failed_before:
            outcome.status = "not run"
            self._report(step.recipe, f"not run: {', '.join(failed_before)} did not pass")
            outcome.done.set()
            return
        started = time.perf_counter()
        if step.recipe == "test":
            returncode = self._run_tests(outcome)
        elif step.recipe in REUSED_WHOLE:
            returncode = self._run_reusable(step.recipe, outcome)
        else:
            returncode, outcome.output = self._run_recipe(step.recipe)
        outcome.seconds = time.perf_counter() - started
        outcome.status = "passed" if returncode == 0 else "failed"
        if outcome.reused:
            verdict = "reused: passed before on these same inputs (`just ci --fresh` reruns it)"
        elif returncode == 0:
            verdict = f"passed in {outcome.seconds:.1f} s"
        else:
            verdict = f"FAILED (exit {returncode}) after {outcome.seconds:.1f} s"
        self._report(step.recipe, verdict, outcome.output)
        outcome.done.set()

    def _run_recipe(self, recipe: str, *args: str) -> tuple[int, str]:
        """`just --no-deps RECIPE ARGS`, in its own process group: exit code and output."""
        process = subprocess.Popen(
            [self.just, "--no-deps", recipe, *args],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group, so an interrupt ends all of it
        )
        self.processes[recipe] = process
        output, _ = process.communicate()
        return process.returncode, output

    def _run_reusable(self, recipe: str, outcome: Outcome) -> int:
        """Run a whole step, unless it passed on these inputs; remember when it passes."""
        key = Inputs.read(ROOT).step_key(recipe)
        earlier = self.record.find(recipe, key) if key and not self.fresh else None
        if earlier:
            outcome.reused = True
            outcome.output = f"(it passed at {earlier.at})"
            return 0
        returncode, outcome.output = self._run_recipe(recipe)
        if returncode == 0 and key and Inputs.read(ROOT).step_key(recipe) == key:
            with self.record_lock:
                self.record.add(recipe, key, tests=0)
        return returncode

    def _run_tests(self, outcome: Outcome) -> int:
        """`just test` on the test folders whose inputs changed since they last passed."""
        folders = test_folders(ROOT)
        keys = Inputs.read(ROOT).folder_keys(folders)
        reused = {}
        for folder, key in keys.items():
            earlier = self.record.find(f"test:{folder}", key) if not self.fresh else None
            if earlier:
                reused[folder] = earlier
        lines = [
            f"reused: {folder}: {earlier.tests} tests passed at {earlier.at} on these same inputs"
            for folder, earlier in reused.items()
        ]
        outcome.reused_tests = sum(earlier.tests for earlier in reused.values())
        stale = [folder for folder in folders if folder not in reused]
        if not stale:
            outcome.reused = True
            outcome.output = "\n".join(lines)
            return 0
        report = ROOT / TEST_REPORT
        report.unlink(missing_ok=True)
        report.parent.mkdir(parents=True, exist_ok=True)
        junit = (f"--junitxml={report}", "-o", "junit_family=xunit1")
        returncode, output = self._run_recipe("test", *stale, *junit)
        outcome.output = "\n".join([*lines, output]) if lines else output
        after = Inputs.read(ROOT).folder_keys(folders)
        passed = passed_per_folder(report, stale) if report.is_file() else None
        if returncode == 0 and passed is not None:
            with self.record_lock:
                for folder in stale:
                    if folder in keys and after.get(folder) == keys[folder]:
                        self.record.add(f"test:{folder}", keys[folder], tests=passed[folder])
        return returncode

    def _report(self, recipe: str, verdict: str, output: str = "") -> None:
        with self.print_lock:
            print(f"\n── just {recipe}: {verdict}", flush=True)
            if output.strip():
                print(output.rstrip("\n"), flush=True)

    def summary(self, seconds: float) -> str:
        """One line: checks passed (of how many), tests passed (and failed), seconds."""
        passed = [r for r, o in self.outcomes.items() if o.status == "passed"]
        failed = [r for r, o in self.outcomes.items() if o.status != "passed"]
        tests: dict[str, int] = {}
        for recipe in TEST_STEPS:
            if recipe in self.outcomes:
                for kind, number in pytest_counts(self.outcomes[recipe].output).items():
                    tests[kind] = tests.get(kind, 0) + number
        reused_tests = sum(outcome.reused_tests for outcome in self.outcomes.values())
        passed_tests = tests.get("passed", 0) + reused_tests
        counted = [
            f"{passed_tests} tests passed"
            + (f" ({reused_tests} reused: same inputs as a passing run)" if reused_tests else "")
        ] + [f"{tests[kind]} {kind}" for kind in NOT_PASSED if tests.get(kind)]
        reused_steps = [r for r, o in self.outcomes.items() if o.reused]
        if not failed:
            checks = f"{len(passed)} checks passed" + (
                f" ({', '.join(reused_steps)} reused)" if reused_steps else ""
            )
            return f"ci: {checks}, {', '.join(counted)}, {seconds:.1f} s"
        return (
            f"ci: FAILED {', '.join(failed)}; {len(passed)} of {len(self.outcomes)} checks "
            f"passed, {', '.join(counted)}, {seconds:.1f} s"
        )

    def write_timings(self, path: Path, seconds: float) -> None:
        """Each step's seconds and the whole run's, for `just bench`."""
        steps = {recipe: round(o.seconds, 3) for recipe, o in self.outcomes.items()}
        path.write_text(json.dumps({"steps": steps, "total": round(seconds, 3)}), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the pipeline; print its summary last; exit 0 only when every step passed."""
    parser = argparse.ArgumentParser(prog="just ci", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--just", default="just", help="the just executable to run recipes with")
    parser.add_argument(
        "--fresh", action="store_true", help="run every step, reusing no earlier passing run"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    pipeline = Pipeline(args.just, STEPS, fresh=args.fresh)
    try:
        ok = pipeline.run()
    except KeyboardInterrupt:
        print("\nci: interrupted", file=sys.stderr)
        return 130
    pipeline.record.save()
    seconds = time.perf_counter() - started
    if os.environ.get(TIMINGS_ENV):
        pipeline.write_timings(Path(os.environ[TIMINGS_ENV]), seconds)
    print(f"\n{pipeline.summary(seconds)}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
