"""Where the seconds of `just ci` go: each of its steps timed alone, then the whole, as medians.

Usage: python scripts/bench_loop.py [--runs N] [--steps lint test ...] [--no-ci]
       python scripts/bench_loop.py --growth [--runs N] [--sizes 1 10 50 100]

Each run is a fresh process, so figures include interpreter, uv and pytest start-up. First
`just pact`, so the steps that read pacts/ have them. Then every step of `just ci` alone, as
`just ci` runs it (`just --no-deps STEP`): median, min and max wall seconds, and the median CPU
seconds it used (user + system, all its processes), which on a shared machine says more than
the wall clock. Then `just ci --fresh` itself: its median wall seconds, and each step's median
seconds inside it, where the steps run side by side (the difference is what running them
together saves, or costs when they fight for the cores); and `just ci` warm, run again on
unchanged inputs, reusing the passing run (scripts/ci_reuse.py). Then the slowest tests of
the last `test` run (pytest's --durations), and per consumer (notification-service,
signup-service): its pact tests alone (writing into a temp folder, not pacts/) and
`contract-first verify --pacts DIR` of its pact alone.

`--growth` measures how verification time grows with the number of interactions instead: it
writes synthetic pacts holding N copies of notification-service's "a request for user 123"
(distinct descriptions, the same provider state) and times `contract-first verify --pacts DIR`
for each N, printing seconds, seconds per interaction, and the cost of each interaction beyond
the first.
"""

import argparse
import copy
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The steps of `just ci` (scripts/ci_pipeline.py), in the order they are timed alone.
CI_STEPS = (
    "sync",
    "browser",
    "pact",
    "lint",
    "check-drift",
    "check-pacts-against-spec",
    "verify",
    "test",
    "demo",
)
CI_TIMINGS_ENV = "CONTRACT_FIRST_CI_TIMINGS"
SLOWEST_TESTS = 15
DURATION_LINE = re.compile(r"^\s*(\d+\.\d+)s (call|setup|teardown)\s+(\S+)")
DEFAULT_SIZES = (1, 10, 50, 100)
PROVIDER = "user-service"
# Each consumer and the folder of its pact tests.
CONSUMERS = {
    "notification-service": "consumer/notifications/tests/pact",
    "signup-service": "consumer/signup/tests/pact",
}
GROWTH_CONSUMER = "notification-service"
GROWTH_INTERACTION = "a request for user 123"
# What the Justfile exports to every recipe, so commands timed outside `just` run the same way.
JUST_EXPORTS = {
    "PACT_DO_NOT_TRACK": "true",
    "UV_FROZEN": "1",
    "UV_PYTHON_DOWNLOADS": "never",
    "UV_COMPILE_BYTECODE": "1",
}
# A pact source that would win over `--pacts DIR` (PACT_URL, else the broker): never inherited.
OTHER_PACT_SOURCES = ("PACT_URL", "PACT_BROKER_BASE_URL")
PYTEST = ("uv", "run", "--quiet", "pytest", "-q", "-p", "no:cacheprovider")
CONTRACT_FIRST_VERIFY = ("uv", "run", "--quiet", "contract-first", "verify", "--pacts")


@dataclass(frozen=True)
class Command:
    """One thing to time: its row label, its argv, and what to add to the environment."""

    label: str
    argv: tuple[str, ...]
    extra: Mapping[str, str] | None = None
    # Called with the command's stdout after a run that succeeded: raise if it said the wrong thing.
    check: Callable[[str], None] | None = None

    def shown(self) -> str:
        """The command as one would type it, with the variables it sets in front."""
        variables = " ".join(f"{name}={value}" for name, value in (self.extra or {}).items())
        return " ".join(filter(None, (variables, *self.argv)))


def environment(extra: Mapping[str, str] | None) -> dict[str, str]:
    """The environment for a run: ours for a recipe (None); else as `just` sets it, plus `extra`."""
    if extra is None:
        return dict(os.environ)
    inherited = {k: v for k, v in os.environ.items() if k not in OTHER_PACT_SOURCES}
    return {**inherited, **JUST_EXPORTS, **extra}


@dataclass(frozen=True)
class Run:
    """One run of a command: wall seconds, CPU seconds of all its processes, what it printed."""

    wall: float
    cpu: float
    stdout: str


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_command(command: Command) -> Run:
    """Run it once; raise if it fails, since a failing run times nothing."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    result = subprocess.run(
        list(command.argv),
        cwd=ROOT,
        env=environment(command.extra),
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    if result.returncode != 0:
        said = result.stdout[-2000:] + result.stderr[-2000:]
        raise RuntimeError(f"`{command.shown()}` failed:\n{said}")
    if command.check is not None:
        command.check(result.stdout)
    return Run(elapsed, cpu, result.stdout)


def time_command(command: Command) -> float:
    """Seconds one run takes; raise if it fails."""
    return run_command(command).wall


def timings(command: Command, runs: int) -> tuple[float, float, float]:
    """Median, min and max seconds over `runs` runs."""
    times = [time_command(command) for _ in range(runs)]
    print(f"  timed {command.label}", file=sys.stderr, flush=True)
    return statistics.median(times), min(times), max(times)


def verified_all(pacts: Path) -> Callable[[str], None]:
    """A check that verify replayed, and passed, every interaction of the pacts in `pacts`."""

    def check(stdout: str) -> None:
        count = sum(
            len(json.loads(pact.read_text(encoding="utf-8")).get("interactions", []))
            for pact in pacts.glob("*.json")
        )
        wanted = f"{count} of {count} interactions verified"
        if not count or wanted not in stdout:
            raise RuntimeError(f"verify did not say {wanted!r}:\n{stdout[-2000:]}")

    return check


def consumer_commands(scratch: Path) -> list[Command]:
    """Per consumer: its pact tests alone, into its own folder; then verify of that pact alone."""
    commands = []
    for consumer, tests in CONSUMERS.items():
        pacts = scratch / consumer
        commands.append(
            Command(f"pact tests: {consumer}", (*PYTEST, tests), {"PACT_DIR": str(pacts)})
        )
        commands.append(
            Command(
                f"verify: {consumer}'s pact alone",
                (*CONTRACT_FIRST_VERIFY, str(pacts)),
                {},
                verified_all(pacts),
            )
        )
    return commands


def print_table(
    rows: Sequence[tuple[str, float, float, float]], runs: int, notes: list[str]
) -> None:
    """A fixed-width table of median, min and max, then what the non-recipe rows ran."""
    width = max(len(name) for name, *_ in rows)
    print(f"{'what':<{width}}  {'median s':>8}  {'min s':>6}  {'max s':>6}   (runs: {runs})")
    for name, median, fastest, slowest in rows:
        print(f"{name:<{width}}  {median:>8.2f}  {fastest:>6.2f}  {slowest:>6.2f}")
    if notes:
        print("\nwhere:")
        print("\n".join(f"  {note}" for note in notes))


def slowest_tests(stdout: str, count: int) -> list[str]:
    """The `count` slowest test phases pytest's --durations listed, as table lines."""
    found = [DURATION_LINE.match(line) for line in stdout.splitlines()]
    rows = sorted(((float(m.group(1)), m.group(2), m.group(3)) for m in found if m), reverse=True)
    return [f"  {seconds:6.2f}  {phase:<8} {test}" for seconds, phase, test in rows[:count]]


def ci_steps(runs: int, steps: Sequence[str], whole: bool) -> tuple[list[str], str]:
    """The table of each step alone (and inside `just ci`), and the slowest tests of `test`."""
    time_command(Command("just pact (so the steps have pacts)", ("just", "pact")))
    alone: dict[str, list[Run]] = {}
    for step in steps:
        extra = ("--durations", str(SLOWEST_TESTS)) if step == "test" else ()
        command = Command(f"just --no-deps {step}", ("just", "--no-deps", step, *extra))
        alone[step] = [run_command(command) for _ in range(runs)]
        print(f"  timed {command.label}", file=sys.stderr, flush=True)
    inside: dict[str, list[float]] = {step: [] for step in steps}
    wholes: list[Run] = []
    warm: list[Run] = []
    if whole:
        with tempfile.TemporaryDirectory(prefix="contract-first-bench-ci-") as folder:
            report = Path(folder) / "timings.json"
            command = Command(
                "just ci --fresh", ("just", "ci", "--fresh"), {CI_TIMINGS_ENV: str(report)}
            )
            for _ in range(runs):
                wholes.append(run_command(command))
                timed = json.loads(report.read_text(encoding="utf-8"))["steps"]
                for step in steps:
                    if step in timed:
                        inside[step].append(float(timed[step]))
            print("  timed just ci --fresh", file=sys.stderr, flush=True)
            # The last fresh run passed (run_command stops otherwise), so this reuses it.
            warm = [run_command(Command("just ci", ("just", "ci"))) for _ in range(runs)]
            print("  timed just ci (warm)", file=sys.stderr, flush=True)
    width = max(len("sum of the steps alone"), *(len(step) for step in steps))
    lines = [
        f"{'step of just ci':<{width}}  {'alone s':>7}  {'min s':>6}  {'max s':>6}  "
        f"{'cpu s':>6}  {'in ci s':>7}"
    ]
    for step in steps:
        walls = [each.wall for each in alone[step]]
        in_ci = f"{statistics.median(inside[step]):>7.2f}" if inside[step] else f"{'-':>7}"
        lines.append(
            f"{step:<{width}}  {statistics.median(walls):>7.2f}  {min(walls):>6.2f}  "
            f"{max(walls):>6.2f}  {statistics.median(e.cpu for e in alone[step]):>6.2f}  {in_ci}"
        )
    total = sum(statistics.median(each.wall for each in alone[step]) for step in steps)
    cpu = sum(statistics.median(each.cpu for each in alone[step]) for step in steps)
    lines.append(
        f"{'sum of the steps alone':<{width}}  {total:>7.2f}  {'':>6}  {'':>6}  {cpu:>6.2f}"
    )
    for label, each_run in (("just ci --fresh", wholes), ("just ci, inputs unchanged", warm)):
        if each_run:
            walls = [each.wall for each in each_run]
            lines.append(
                f"{label:<{width}}  {statistics.median(walls):>7.2f}  "
                f"{min(walls):>6.2f}  {max(walls):>6.2f}  "
                f"{statistics.median(each.cpu for each in each_run):>6.2f}"
            )
    tests = slowest_tests(alone["test"][-1].stdout, SLOWEST_TESTS) if "test" in alone else []
    return lines, "\n".join(tests)


def bench(runs: int, steps: Sequence[str], whole: bool) -> int:
    """Where `just ci`'s seconds go, then each consumer's pact tests and verification alone."""
    lines, tests = ci_steps(runs, steps, whole)
    rows = []
    notes = []
    with tempfile.TemporaryDirectory(prefix="contract-first-bench-") as folder:
        for command in consumer_commands(Path(folder)):
            rows.append((command.label, *timings(command, runs)))
            notes.append(f"{command.label}: {command.shown()}".replace(folder, "$TMP"))
    print(f"Where the seconds of `just ci` go (medians over {runs} runs; cpu = user + system)")
    print("\n".join(lines))
    if tests:
        print(f"\nthe {SLOWEST_TESTS} slowest test phases of the last `just test` (wall s):")
        print(tests)
    print()
    print_table(rows, runs, notes)
    return 0


def growth_template(scratch: Path) -> dict[str, Any]:
    """notification-service's pact, freshly written by its pact tests into a scratch folder."""
    tests = CONSUMERS[GROWTH_CONSUMER]
    written = Command("pact tests", (*PYTEST, tests), {"PACT_DIR": str(scratch)})
    time_command(written)
    pact: dict[str, Any] = json.loads(
        (scratch / f"{GROWTH_CONSUMER}-{PROVIDER}.json").read_text(encoding="utf-8")
    )
    return pact


def synthetic_pact(template: Mapping[str, Any], copies: int) -> dict[str, Any]:
    """The pact with `copies` copies of the one interaction, each under its own description."""
    matching = [i for i in template["interactions"] if i["description"] == GROWTH_INTERACTION]
    if len(matching) != 1:
        raise RuntimeError(f"{GROWTH_CONSUMER}'s pact has no {GROWTH_INTERACTION!r} interaction")
    interactions = []
    for number in range(1, copies + 1):
        interaction = copy.deepcopy(matching[0])
        interaction["description"] = f"{GROWTH_INTERACTION} (copy {number} of {copies})"
        interaction.pop("key", None)  # V4 keys identify an interaction; copies must not share one
        interactions.append(interaction)
    return {**template, "interactions": interactions}


def growth(runs: int, sizes: Sequence[int]) -> int:
    """Time verification of synthetic pacts of growing size; print the cost per interaction."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="contract-first-growth-") as folder:
        scratch = Path(folder)
        template = growth_template(scratch / "source")
        for size in sizes:
            pacts = scratch / f"n{size}"
            pacts.mkdir()
            pact = synthetic_pact(template, size)
            (pacts / f"{GROWTH_CONSUMER}-{PROVIDER}.json").write_text(
                json.dumps(pact, indent=2), encoding="utf-8"
            )
            command = Command(
                f"verify N={size}", (*CONTRACT_FIRST_VERIFY, str(pacts)), {}, verified_all(pacts)
            )
            rows.append((size, *timings(command, runs)))
    print(
        f"verification time by number of interactions: N copies of {GROWTH_CONSUMER}'s "
        f"{GROWTH_INTERACTION!r}"
    )
    print(f"command: uv run --quiet contract-first verify --pacts DIR   (runs: {runs}, medians)")
    print(f"{'N':>5}  {'median s':>8}  {'min s':>6}  {'max s':>6}  {'s/interaction':>13}  "
          f"{'s per extra':>11}")  # fmt: skip
    first_size, first_median = rows[0][0], rows[0][1]
    for size, median, fastest, slowest in rows:
        extra = (
            f"{(median - first_median) / (size - first_size):>11.4f}"
            if size != first_size
            else f"{'-':>11}"
        )
        print(
            f"{size:>5}  {median:>8.2f}  {fastest:>6.2f}  {slowest:>6.2f}  "
            f"{median / size:>13.4f}  {extra}"
        )
    print(f"(s per extra: (median(N) - median({first_size})) / (N - {first_size}))")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Print median, min and max wall time per recipe and per consumer, or the growth table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--steps",
        nargs="*",
        default=list(CI_STEPS),
        choices=CI_STEPS,
        help="which steps of `just ci` to time alone (default: all)",
    )
    parser.add_argument("--no-ci", action="store_true", help="do not time `just ci` as a whole")
    parser.add_argument(
        "--growth", action="store_true", help="time verification against pacts of N interactions"
    )
    parser.add_argument("--sizes", nargs="+", type=int, default=list(DEFAULT_SIZES))
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.growth:
        if any(size < 1 for size in args.sizes):
            parser.error("--sizes must be at least 1")
        return growth(args.runs, sorted(set(args.sizes)))
    return bench(args.runs, args.steps, whole=not args.no_ci)


if __name__ == "__main__":
    sys.exit(main())
