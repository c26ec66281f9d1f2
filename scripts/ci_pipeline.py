"""`just ci`: every check CI runs, the independent ones side by side, then one line that sums up.

Usage: python scripts/ci_pipeline.py --just PATH/TO/just

Each step is one of the Justfile's recipes, run as `just --no-deps RECIPE`: the order between
them is decided here, from what each reads and writes, so nothing runs twice.

- `sync` and `browser` first: every other step runs in the workspace; the tests need Chromium.
- Then, side by side: `pact` (it writes pacts/), `lint`, `check-drift` (both read only the
  sources) and `demo` (its own scratch broker, database and pacts).
- Once `pact` has written pacts/: `test`, `verify` and `check-pacts-against-spec`.

A step's output is printed whole when it ends, so steps that run together never interleave.
The last line says how many checks and tests passed and how long it all took, e.g.
`ci: 9 checks passed, 733 tests passed, 41.2 s`; the exit code is 1 if any step failed.
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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMINGS_ENV = "CONTRACT_FIRST_CI_TIMINGS"
# Recipes whose pytest summary counts towards "tests passed".
TEST_STEPS = ("pact", "test")
# pytest's closing line: "728 passed, 1 failed in 41.20s" (with or without the ==== frame).
PYTEST_SUMMARY = re.compile(r"^=*\s*(\d+ \w+(?:, \d+ \w+)*) in [\d.]+s")
PYTEST_COUNT = re.compile(r"(\d+) (\w+)")
# The outcomes of tests that did not pass, as pytest names them (warnings are not tests).
NOT_PASSED = ("failed", "error", "skipped", "xfailed", "xpassed")


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
    done: threading.Event = field(default_factory=threading.Event)


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

    def __init__(self, just: str, steps: Sequence[Step]) -> None:
        self.just = just
        self.steps = steps
        self.outcomes = {step.recipe: Outcome() for step in steps}
        self.processes: dict[str, subprocess.Popen[str]] = {}
        self.print_lock = threading.Lock()

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
        process = subprocess.Popen(
            [self.just, "--no-deps", step.recipe],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group, so an interrupt ends all of it
        )
        self.processes[step.recipe] = process
        outcome.output, _ = process.communicate()
        outcome.seconds = time.perf_counter() - started
        outcome.status = "passed" if process.returncode == 0 else "failed"
        verdict = (
            f"passed in {outcome.seconds:.1f} s"
            if process.returncode == 0
            else f"FAILED (exit {process.returncode}) after {outcome.seconds:.1f} s"
        )
        self._report(step.recipe, verdict, outcome.output)
        outcome.done.set()

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
        counted = [f"{tests.get('passed', 0)} tests passed"] + [
            f"{tests[kind]} {kind}" for kind in NOT_PASSED if tests.get(kind)
        ]
        if not failed:
            return f"ci: {len(passed)} checks passed, {', '.join(counted)}, {seconds:.1f} s"
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
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--just", default="just", help="the just executable to run recipes with")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    pipeline = Pipeline(args.just, STEPS)
    try:
        ok = pipeline.run()
    except KeyboardInterrupt:
        print("\nci: interrupted", file=sys.stderr)
        return 130
    seconds = time.perf_counter() - started
    if os.environ.get(TIMINGS_ENV):
        pipeline.write_timings(Path(os.environ[TIMINGS_ENV]), seconds)
    print(f"\n{pipeline.summary(seconds)}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
