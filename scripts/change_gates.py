"""Run every gate against one scratch copy of the provider: one process per change.

The catch matrix calls ``run_gates`` in a fresh process whose ``sys.path`` starts with the
scratch copy, so ``user_service`` (and everything here that imports it) is the changed code,
exactly as it would be deployed. It refuses to run when ``user_service`` comes from anywhere
else: a matrix of the unchanged provider would look like gates that catch nothing.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import user_service
from check_drift import tree
from check_pacts_against_spec import check
from export_openapi import render_openapi
from gate_result import GateResult
from generate_client import generate_client

# provider/tests is on the worker's PYTHONPATH, not on `just lint`'s MYPYPATH (scripts only).
from live_server import serve
from pact_verification import (
    ContractVerificationError,
    verify_local_pacts,
)
from provider_states import provider_state_handlers
from user_service.app import create_app
from user_service.users_repository import SqliteUsersRepository

ROOT = Path(__file__).resolve().parent.parent
PROVIDER = "user-service"
MYPY_OPTIONS = ("--strict", "--follow-imports=silent", "--no-error-summary")


@dataclass(frozen=True)
class Committed:
    """The committed spec and client the drift gate compares against (a snapshot of them)."""

    spec: Path
    client: Path


def spec_drift(spec_text: str, client: Path, committed_copies: Committed) -> GateResult:
    """The drift check's comparison: fresh spec and client against the committed ones."""
    unchanged = committed_copies.spec.read_text("utf-8") == spec_text
    stale = [] if unchanged else ["openapi/openapi.json"]
    committed, fresh = tree(committed_copies.client), tree(client)
    stale += [
        f"generated_client/{name}"
        for name in sorted(committed.keys() | fresh.keys())
        if committed.get(name) != fresh.get(name)
    ]
    if not stale:
        return GateResult(caught=False, evidence="spec and client unchanged")
    shown = ", ".join(stale[:3]) + (f" and {len(stale) - 3} more" if len(stale) > 3 else "")
    return GateResult(caught=True, evidence=f"stale: {shown}")


def start_type_check(client: Path, cache: Path) -> subprocess.Popen[str]:
    """``mypy --strict consumer/src`` against the regenerated client, started in the background."""
    environment = {**os.environ, "MYPYPATH": str(client)}
    return subprocess.Popen(
        [sys.executable, "-m", "mypy", *MYPY_OPTIONS, "--cache-dir", str(cache), "consumer/src"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish_type_check(process: subprocess.Popen[str]) -> GateResult:
    """Wait for mypy; the evidence is its first error, without the line number that churns."""
    output, _ = process.communicate()
    errors = [line for line in output.splitlines() if ": error: " in line]
    if process.returncode == 0:
        return GateResult(caught=False, evidence="mypy --strict passes")
    if not errors:
        raise RuntimeError(f"mypy failed without reporting an error:\n{output}")
    file, _, message = errors[0].partition(": error: ")
    return GateResult(caught=True, evidence=f"{Path(file.split(':')[0]).name}: {message}")


def pact_verification(pacts: Path, database: Path) -> GateResult:
    """Replay the pacts against the changed app under uvicorn, as `just verify` does."""
    users = SqliteUsersRepository(database)
    with serve(create_app(users_repository=users)) as base_url:
        try:
            outcome = verify_local_pacts(
                provider=PROVIDER,
                base_url=base_url,
                pact_directory=pacts,
                state_handlers=provider_state_handlers(users),
            )
        except ContractVerificationError as error:
            if str(error).startswith("provider state "):
                raise  # the harness broke, not the contract: never count that as caught
            reasons = [line.strip(" -") for line in str(error).splitlines()[1:]]
            return GateResult(caught=True, evidence=reasons[0] if reasons else str(error))
    return GateResult(caught=False, evidence=f"{len(outcome.verified)} interactions verified")


def pacts_against_spec(pacts: Path, spec: Path) -> GateResult:
    """The pacts-against-spec check on the changed spec."""
    result = check(pacts, spec, PROVIDER)
    if not result.findings:
        return GateResult(caught=False, evidence="no findings")
    return GateResult(
        caught=True,
        evidence="; ".join(f"{f.code.name} {f.message}" for f in result.findings),
    )


def run_gates(
    scratch: Path, pacts: Path, mypy_cache: Path, committed: Committed
) -> dict[str, GateResult]:
    """All four gates on the provider under ``scratch/src``; mypy runs beside the replay."""
    imported_from = Path(user_service.__file__).resolve()
    if not imported_from.is_relative_to((scratch / "src").resolve()):
        raise RuntimeError(f"user_service was imported from {imported_from}, not {scratch}/src")
    spec_text = render_openapi()
    spec = scratch / "openapi.json"
    spec.write_text(spec_text, encoding="utf-8")
    client = scratch / "generated_client"
    generate_client(spec, client)
    cache = scratch / "mypy-cache"
    shutil.copytree(mypy_cache, cache)
    type_check = start_type_check(client, cache)
    try:
        drift = spec_drift(spec_text, client, committed)
        with tempfile.TemporaryDirectory(dir=scratch) as data:
            replay = pact_verification(pacts, Path(data) / "users.sqlite3")
        against_spec = pacts_against_spec(pacts, spec)
    finally:
        types = finish_type_check(type_check)
    return {"drift": drift, "types": types, "pact": replay, "spec": against_spec}
