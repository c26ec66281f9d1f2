"""Which gate catches which provider change: every catalogued change against every gate.

Usage: python scripts/catch_matrix.py [--pacts DIR] [--output PATH] [--check]
Writes docs/catch-matrix.md (or, with --check, fails when it is stale) and prints the table.
Exits 1 when the rule is broken: a consumer-breaking change that pact verification misses,
a widening the pacts-against-spec check misses, or a safe change that either of them fails.

Each change is made to a scratch copy of provider/src; the repository's files stay untouched.
The changes run one per core, each in its own process (see ``build_matrix``).
"""

import argparse
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from gate_result import GATES, GateResult
from provider_changes import (
    CATALOGUE,
    ChangeDoesNotApplyError,
    Impact,
    ProviderChange,
    apply_change,
)

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
PROVIDER_SRC = ROOT / "provider" / "src"
PROVIDER_TESTS = ROOT / "provider" / "tests"
DEFAULT_PACTS = ROOT / "pacts"
DEFAULT_OUTPUT = ROOT / "docs" / "catch-matrix.md"
CAUGHT, MISSED = "caught", "not caught"
MYPY_COMMAND = (sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent")
IGNORED = shutil.ignore_patterns("__pycache__", "*.egg-info", ".*_cache")
# Imported once by the fork server, not per change: third-party only, never user_service.
PRELOADED = ("fastapi", "httpx", "jsonschema", "pact", "pydantic_settings", "uvicorn")


class MatrixError(Exception):
    """The matrix could not be built (not: a gate missed a change); the message says why."""


@dataclass(frozen=True)
class Row:
    """One change and what each gate said about it."""

    change: ProviderChange
    gates: dict[str, GateResult]

    def cells(self) -> dict[str, str]:
        """``caught``/``not caught`` per gate key."""
        return {gate: CAUGHT if result.caught else MISSED for gate, result in self.gates.items()}


def build_matrix(
    pacts: Path = DEFAULT_PACTS,
    changes: tuple[ProviderChange, ...] = CATALOGUE,
    jobs: int = os.cpu_count() or 2,
) -> list[Row]:
    """Run every gate against every change, ``jobs`` changes at a time; rows in catalogue order.

    Each change gets its own process from a fork server that has already imported the heavy
    third-party libraries (FastAPI, pact, jsonschema...), but never ``user_service``: that
    saves about a second per change, and each process still imports the changed provider.
    """
    if not any(pacts.glob("*.json")):
        raise MatrixError(f"no pacts in {pacts}: run `just pact` first")
    with tempfile.TemporaryDirectory(prefix="catch-matrix-") as scratch_root:
        root = Path(scratch_root)
        committed = _snapshot_committed(root / "committed")
        warm_cache = root / "mypy-cache"
        warming = _start_warming_mypy_cache(warm_cache, committed[1])
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(PRELOADED))
        # The fork server imports its libraries while mypy warms the cache: two cores, two jobs.
        with context.Pool(processes=jobs, maxtasksperchild=1) as pool:
            _finish_warming(warming)
            work = [(change, root, pacts.resolve(), warm_cache, committed) for change in changes]
            results = pool.starmap(_run_change, work, chunksize=1)
    return [Row(change, gates) for change, gates in zip(changes, results, strict=True)]


def _snapshot_committed(folder: Path) -> tuple[Path, Path]:
    """Copy the committed spec and client once, so every change is compared with the same."""
    spec, client = folder / "openapi.json", folder / "generated_client"
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "openapi" / "openapi.json", spec)
    shutil.copytree(ROOT / "generated_client", client, ignore=IGNORED)
    return spec, client


def _start_warming_mypy_cache(cache: Path, client: Path) -> subprocess.Popen[str]:
    """Type-check the consumer once against the committed client; each change reuses the cache.

    Without it every change pays mypy's full start (typeshed, httpx, attrs): 2 s instead of 0.4.
    """
    return subprocess.Popen(
        [*MYPY_COMMAND, "--cache-dir", str(cache), "consumer/src"],
        cwd=ROOT,
        env={**os.environ, "MYPYPATH": str(client)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finish_warming(warming: subprocess.Popen[str]) -> None:
    output, _ = warming.communicate()
    if warming.returncode != 0:
        raise MatrixError(f"the consumer does not type-check as committed:\n{output}")


def _run_change(
    change: ProviderChange,
    root: Path,
    pacts: Path,
    warm_cache: Path,
    committed: tuple[Path, Path],
) -> dict[str, GateResult]:
    """In a fresh process: copy provider/src, apply the change, run the gates on the copy."""
    scratch = root / change.slug
    source = scratch / "src"
    shutil.copytree(PROVIDER_SRC, source, ignore=IGNORED)
    apply_change(change, source)
    # The scratch copy first: this process imports (and serves) the changed provider.
    sys.path[:0] = [str(source), str(PROVIDER_TESTS), str(SCRIPTS)]
    os.environ["PACT_DO_NOT_TRACK"] = "true"
    log = scratch / "gates.log"
    with log.open("w", encoding="utf-8") as sink:  # the verifier and uvicorn talk on fd 1 and 2
        os.dup2(sink.fileno(), sys.stdout.fileno())
        os.dup2(sink.fileno(), sys.stderr.fileno())
    import change_gates  # noqa: PLC0415 - only now, so that it imports the changed provider

    try:
        return change_gates.run_gates(
            scratch, pacts, warm_cache, change_gates.Committed(committed[0], committed[1])
        )
    except Exception as error:
        said = log.read_text(encoding="utf-8")[-3000:]
        raise MatrixError(
            f"the gates could not run for {change.slug!r}: {error!r}\n{said}"
        ) from None


def rule_violations(rows: list[Row]) -> list[str]:
    """Where the gates fall short of the rule the matrix exists to hold."""
    problems = []
    for row in rows:
        slug, gates, impact = row.change.slug, row.gates, row.change.impact
        if impact is Impact.BREAKS and not gates["pact"].caught:
            problems.append(f"{slug} breaks the consumer but pact verification passed")
        if impact is Impact.WIDENS and not gates["spec"].caught:
            problems.append(f"{slug} widens the contract but the pacts-against-spec check passed")
        if impact in (Impact.SAFE, Impact.NONE):
            problems += [
                f"{slug} is {impact.value} but {GATES[gate]} failed: {gates[gate].evidence}"
                for gate in ("pact", "spec")
                if gates[gate].caught
            ]
    return problems


def render_table(rows: list[Row]) -> str:
    """The matrix as a Markdown table: changes down, gates across."""
    lines = [
        "| change | impact | " + " | ".join(GATES.values()) + " |",
        "| --- | --- | " + " | ".join("---" for _ in GATES) + " |",
    ]
    for row in rows:
        cells = row.cells()
        lines.append(
            f"| `{row.change.slug}` | {row.change.impact.value} | "
            + " | ".join(cells[gate] for gate in GATES)
            + " |"
        )
    return "\n".join(lines) + "\n"


INTRODUCTION = """\
# Catch matrix: which gate catches which provider change

Generated by `just catch-matrix` (`scripts/catch_matrix.py`) from the catalogue in
`scripts/provider_changes.py`; do not edit by hand. `scripts/tests/test_catch_matrix.py`
fails when this file is stale.

Each change is a small text edit to a scratch copy of `provider/src`. The gates:

- **spec drift**: the spec and client regenerated from the changed provider differ from
  the committed `openapi/openapi.json` and `generated_client/` (`just check-drift` fails).
- **consumer types**: `mypy --strict consumer/src` against the client regenerated from the
  changed spec.
- **pact verification**: the consumer's pacts replayed against the changed provider under
  uvicorn (`just verify`).
- **pacts vs spec**: the pacts checked against the changed spec
  (`just check-pacts-against-spec`): every field the consumer relies on must be declared,
  required and non-nullable.

Impact: **breaks** means the pact's own requests now get answers the consumer cannot use;
**widens** means today's answers are unchanged but the spec now allows answers that break
the consumer (a user without an email); **safe** means the consumer is unaffected. The rule,
asserted by the test: pact verification catches every *breaks*, the pacts-vs-spec check
catches every *widens*, and neither fails on a *safe* change or the control row.

"""

BLIND_SPOTS = """
## Reading it

- The spec-derived gates (spec drift, consumer types, pacts vs spec) cannot see a change
  that bypasses the response model (`rename-name-bypassing-model`): the spec still says
  `name`. Only replaying the pact against the running provider catches it.
- Pact verification cannot see a widening (`email-optional`, `email-nullable`): the
  provider still sends an email for the pact's user, so the replay passes. Only the
  pacts-vs-spec check, which requires relied-on fields to be required and non-nullable,
  catches it before the first user without an email does.
- Spec drift fails on every change to the spec, safe or not: it says *something* changed
  (regenerate and commit), never whether a consumer cares.
- Consumer types catch only what the consumer's code touches by name and type; a status
  code, a path, or a field the consumer narrows at run time (`isinstance`) passes mypy.
"""


def render_document(rows: list[Row]) -> str:
    """The whole docs/catch-matrix.md: no timings or paths, so every run writes the same bytes."""
    details = ["\n## What each gate said\n"]
    for row in rows:
        details.append(f"\n### `{row.change.slug}`: {row.change.title}\n\n")
        details += [
            f"- {heading}: {CAUGHT if row.gates[gate].caught else MISSED}"
            f" ({row.gates[gate].evidence})\n"
            for gate, heading in GATES.items()
        ]
    return INTRODUCTION + render_table(rows) + BLIND_SPOTS + "".join(details)


def main(argv: list[str] | None = None) -> int:
    """Build the matrix, print the table, write or check the document, enforce the rule."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pacts", type=Path, default=DEFAULT_PACTS)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true", help="fail if --output is stale")
    args = parser.parse_args(argv)
    try:
        rows = build_matrix(args.pacts)
    except (MatrixError, ChangeDoesNotApplyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(render_table(rows), end="")
    document = render_document(rows)
    output: Path = args.output
    current = output.read_text(encoding="utf-8") if output.is_file() else None
    if args.check and current != document:
        print(f"error: {output} is stale: run `just catch-matrix`", file=sys.stderr)
        return 1
    if not args.check and current != document:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(document, encoding="utf-8")
        print(f"wrote {os.path.relpath(output, ROOT)}")
    problems = rule_violations(rows)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
