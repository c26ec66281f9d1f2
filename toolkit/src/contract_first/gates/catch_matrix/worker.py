"""Run every gate against one changed copy of the provider: one fresh process per change.

Started by the engine as ``python -m contract_first.gates.catch_matrix.worker`` in the
configuration's folder, with ``PYTHONPATH`` starting at the changed source: the provider this
process imports (and serves) is the changed code, exactly as it would be deployed. It reads
a ``Job`` (one line of JSON) on stdin, and ``go`` before it copies the warm mypy cache; it
prints one ``GateResult`` per gate (JSON) on stdout. Everything else it, the verifier and
uvicorn say goes to ``gates.log`` beside the changed source.

It refuses to run when the app's module comes from anywhere else: a matrix of the unchanged
provider would look like gates that catch nothing.
"""

import os
import shutil
import sys
import traceback
from pathlib import Path

from contract_first.errors import ContractFirstError, UsageError
from contract_first.gates.catch_matrix.consumer_types import (
    finish_type_check,
    start_type_check,
    write_mypy_config,
)
from contract_first.gates.catch_matrix.protocol import GO, GateResult, Job, results_to_json
from contract_first.gates.client_generation import generate_client
from contract_first.gates.drift import tree
from contract_first.gates.openapi_export import render_openapi
from contract_first.gates.pacts_vs_spec import check
from contract_first.provider_app import load_app, load_states, scratch_environment
from contract_first.verify.sources import LocalPacts
from contract_first.verify.verification import verify_provider

SHOWN_STALE_FILES = 3


def spec_drift(job: Job, spec_text: str, client: Path) -> GateResult:
    """The drift check's comparison: fresh spec and client against the committed ones."""
    unchanged = job.committed_spec.read_text("utf-8") == spec_text
    stale = [] if unchanged else [job.spec_label]
    committed, fresh = tree(job.committed_client), tree(client)
    stale += [
        f"{job.client_label}/{name}"
        for name in sorted(committed.keys() | fresh.keys())
        if committed.get(name) != fresh.get(name)
    ]
    if not stale:
        return GateResult(caught=False, evidence="spec and client unchanged")
    shown = ", ".join(stale[:SHOWN_STALE_FILES])
    if len(stale) > SHOWN_STALE_FILES:
        shown += f" and {len(stale) - SHOWN_STALE_FILES} more"
    return GateResult(caught=True, evidence=f"stale: {shown}")


def pact_verification(job: Job) -> GateResult:
    """Replay the pacts against the changed app under uvicorn, as ``contract-first verify`` does.

    A raising state handler, or anything else that stops the replay from judging, raises: the
    harness broke, not the contract, and that must never count as caught.
    """
    with scratch_environment(job.env):
        app = load_app(job.app)
        handlers = load_states(job.states, app) if job.states else {}
        report = verify_provider(
            provider=job.provider, app=app, state_handlers=handlers, source=LocalPacts(job.pacts)
        )
    if report.ok:
        return GateResult(caught=False, evidence=f"{len(report.verified)} interactions verified")
    return GateResult(caught=True, evidence=report.failures[0].reasons[0])


def pacts_against_spec(job: Job, spec: Path) -> GateResult:
    """The pacts-against-spec check on the changed spec."""
    result = check(job.pacts, spec, job.provider)
    if not result.findings:
        return GateResult(caught=False, evidence="no findings")
    return GateResult(
        caught=True,
        evidence="; ".join(f"{f.code.name} {f.message}" for f in result.findings),
    )


def run_gates(job: Job) -> dict[str, GateResult]:
    """All four gates on the provider under ``job.source``; mypy runs beside the replay."""
    spec_text = render_openapi(job.app, job.env)
    _refuse_unchanged_provider(job)
    spec = job.scratch / "openapi.json"
    spec.write_text(spec_text, encoding="utf-8")
    client = job.scratch / job.committed_client.name
    generate_client(spec, client, job.client_config)
    if sys.stdin.readline().strip() != GO:
        raise RuntimeError("the engine stopped before the warm mypy cache was ready")
    cache = job.scratch / "mypy-cache"
    shutil.copytree(job.mypy_cache, cache)
    mypy_config = write_mypy_config(job.scratch / "mypy.ini", client)
    type_check = start_type_check(mypy_config, cache, job.consumer_sources, Path.cwd())
    try:
        drift = spec_drift(job, spec_text, client)
        replay = pact_verification(job)
        against_spec = pacts_against_spec(job, spec)
    finally:
        types = finish_type_check(type_check)
    return {"drift": drift, "types": types, "pact": replay, "spec": against_spec}


def _refuse_unchanged_provider(job: Job) -> None:
    """The app's module must have been imported from the changed copy, not the installed one."""
    module_name = job.app.partition(":")[0]
    module = sys.modules.get(module_name)
    location = getattr(module, "__file__", None)
    if location is None or not Path(location).resolve().is_relative_to(job.source.resolve()):
        raise UsageError(
            f"the app {job.app!r} was imported from {location or 'nowhere'}, not from the "
            f"changed copy in {job.source}: the provider's `source` setting must be the folder "
            f"its app module {module_name!r} is imported from"
        )


def main() -> int:
    """Read the job, send all other output to the log, print the results; non-zero if it failed."""
    job = Job.from_json(sys.stdin.readline())
    answer = os.dup(sys.stdout.fileno())
    sys.stdout.flush()
    sys.stderr.flush()
    with job.log.open("w", encoding="utf-8") as sink:  # the verifier and uvicorn talk on fd 1, 2
        os.dup2(sink.fileno(), sys.stdout.fileno())
        os.dup2(sink.fileno(), sys.stderr.fileno())
    try:
        results = run_gates(job)
    except ContractFirstError as error:  # a usage error says all there is to say
        print(f"error: {error}", file=sys.stderr, flush=True)
        return error.exit_code
    except Exception:
        traceback.print_exc()
        sys.stderr.flush()
        return 1
    with os.fdopen(answer, "w", encoding="utf-8") as out:
        out.write(results_to_json(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
