"""Which gate catches which provider change: every catalogued change against every gate.

Everything comes from the configuration: the catalogue (``[tool.contract-first.catch-matrix]``),
the provider's ``source``, ``app``, ``states``, ``env``, ``spec``, ``client`` and
``client-config``, the consumers' ``source`` folders (for the type gate) and the pacts folder.

Each change is made to a scratch copy of the provider's source; the repository's files stay
untouched. The changes run one per core, each in a fresh worker process (see ``worker``)
whose ``PYTHONPATH`` starts at its changed copy, so that is the provider it imports. A row
computed before from exactly the same inputs is read back instead (see ``row_cache``).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from contract_first.config import Config, Pacticipant
from contract_first.errors import UsageError
from contract_first.gates.catch_matrix.catalogue import (
    Catalogue,
    Impact,
    ProviderChange,
    apply_change,
    load_catalogue,
)
from contract_first.gates.catch_matrix.consumer_types import start_type_check, write_mypy_config
from contract_first.gates.catch_matrix.protocol import GATES, GO, GateResult, Job, results_from_json
from contract_first.gates.catch_matrix.row_cache import Inputs, RowCache, default_folder

CAUGHT, MISSED = "caught", "not caught"
WORKER = "contract_first.gates.catch_matrix.worker"
IGNORED = shutil.ignore_patterns("__pycache__", "*.egg-info", ".*_cache")
LOG_TAIL_CHARACTERS = 3000


class MatrixError(UsageError):
    """The matrix could not be built (not: a gate missed a change); the message says why."""


@dataclass(frozen=True)
class Row:
    """One change and what each gate said about it."""

    change: ProviderChange
    gates: dict[str, GateResult]

    def cells(self) -> dict[str, str]:
        """``caught``/``not caught`` per gate key."""
        return {gate: CAUGHT if result.caught else MISSED for gate, result in self.gates.items()}


@dataclass(frozen=True)
class _Setup:
    """What the matrix is built from, every part of it checked before any gate runs."""

    root: Path
    catalogue: Catalogue
    provider: Pacticipant
    app: str
    source: Path
    spec: Path
    client: Path
    consumer_sources: tuple[Path, ...]
    pacts: Path


@dataclass(frozen=True)
class _Committed:
    """The snapshot of the committed spec and client that every change is compared with."""

    spec: Path
    client: Path


def build_matrix(
    config: Config,
    pacts: Path | None = None,
    jobs: int | None = None,
    *,
    reuse: bool = True,
    cache_folder: Path | None = None,
) -> list[Row]:
    """Every gate against every change, ``jobs`` changes at a time; rows in catalogue order.

    ``pacts`` defaults to the configured pacts folder, ``jobs`` to one per core. A row kept
    (see ``row_cache``) for exactly the same inputs is read back unless ``reuse`` is false;
    every other row is computed and kept in ``cache_folder`` (default: ``row_cache``'s).
    """
    setup = _setup(config, pacts)
    changes = setup.catalogue.changes
    cache = RowCache(cache_folder or default_folder(), _inputs(setup, config))
    found = [cache.get(change) if reuse else None for change in changes]
    missing = [change for change, gates in zip(changes, found, strict=True) if gates is None]
    computed = iter(_compute(setup, missing, jobs) if missing else [])
    rows = []
    for change, kept in zip(changes, found, strict=True):
        gates = kept if kept is not None else next(computed)
        if kept is None:
            cache.put(change, gates)
        rows.append(Row(change, gates))
    return rows


def _inputs(setup: _Setup, config: Config) -> Inputs:
    """What decides the rows besides each change itself: the files and modules the gates read."""
    consumers = {f"consumer source {n}": path for n, path in enumerate(setup.consumer_sources)}
    return Inputs(
        folders={
            "provider source": setup.source,
            "client": setup.client,
            "pacts": setup.pacts,
            **consumers,
        },
        files={
            "configuration": config.source,
            "catalogue": setup.catalogue.path,
            "spec": setup.spec,
            "client config": setup.provider.client_config,
        },
        modules=[module for module in (setup.app, setup.provider.states) if module],
        module_search_path=(setup.root, setup.source),
    )


def _compute(
    setup: _Setup, changes: Sequence[ProviderChange], jobs: int | None
) -> list[dict[str, GateResult]]:
    """Run the gates for ``changes``, one fresh worker each; results in the same order.

    Every change is applied to its own copy of the source first, so a catalogue that no
    longer applies fails before any gate runs. The first workers start while mypy warms its
    cache on the committed client, and wait for it only when they reach the type check.
    """
    with tempfile.TemporaryDirectory(prefix="catch-matrix-") as scratch_root:
        root = Path(scratch_root)
        committed = _snapshot_committed(setup, root / "committed")
        warm_cache = root / "mypy-cache"
        warming = start_type_check(
            write_mypy_config(root / "committed-mypy.ini", committed.client),
            warm_cache,
            setup.consumer_sources,
            setup.root,
        )
        try:
            jobs_by_change = [
                _prepare(setup, change, root / change.slug, committed, warm_cache)
                for change in changes
            ]
        except BaseException:
            warming.kill()
            warming.communicate()
            raise
        warm = _Signal()
        with ThreadPoolExecutor(max_workers=jobs or _cores()) as pool:
            futures = [
                pool.submit(_run_worker, setup.root, change, job, warm)
                for change, job in zip(changes, jobs_by_change, strict=True)
            ]
            try:
                _finish_warming(warming, warm, committed.client)
                return [future.result() for future in futures]
            except BaseException:
                warming.kill()  # when interrupted while it warms
                warm.send(ok=False)  # a worker still waiting for the cache stops
                pool.shutdown(cancel_futures=True)  # and none that has not started will
                raise


class _Signal:
    """Tells the waiting worker threads, once, whether the warm mypy cache is ready."""

    def __init__(self) -> None:
        self._sent = threading.Event()
        self.ok = False

    def send(self, *, ok: bool) -> None:
        """Release every waiting thread with the verdict; the first verdict sent stands."""
        if not self._sent.is_set():
            self.ok = ok
            self._sent.set()

    def wait(self) -> bool:
        """Block until the verdict is sent; the verdict."""
        self._sent.wait()
        return self.ok


def _finish_warming(warming: subprocess.Popen[str], warm: _Signal, client: Path) -> None:
    """Wait for the warm-up run of mypy, tell the workers, and fail when it found errors."""
    output, _ = warming.communicate()
    warm.send(ok=warming.returncode == 0)
    if warming.returncode != 0:
        raise MatrixError(
            f"the consumers do not type-check against the committed {client.name}, so the "
            f"consumer-types gate would judge nothing:\n{output.strip()}"
        )


def rule_violations(rows: Sequence[Row]) -> list[str]:
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


def _setup(config: Config, pacts: Path | None) -> _Setup:
    settings = config.catch_matrix
    where = f" in {config.source}" if config.source else ""
    if settings is None:
        raise UsageError(
            f"no [tool.contract-first.catch-matrix] table{where}: add one with "
            'catalogue = "path/to/catch-matrix.toml"'
        )
    catalogue = load_catalogue(settings.catalogue)
    provider = config.provider(catalogue.provider)

    def required(key: str, value: Path | str | None) -> Path | str:
        if value is None:
            raise UsageError(
                f"the catch matrix needs the {key} of provider {provider.name!r}: set {key} in "
                f"[tool.contract-first.pacticipants.{provider.name}]{where}"
            )
        return value

    consumer_sources = tuple(
        p.source for p in config.pacticipants.values() if p.role == "consumer" and p.source
    )
    if not consumer_sources:
        raise UsageError(
            f"the catch matrix's consumer-types gate needs a consumer's source folder: set "
            f'source in a [tool.contract-first.pacticipants.NAME] with role = "consumer"{where}'
        )
    source, spec, client = (
        Path(required(key, value))
        for key, value in (
            ("source", provider.source),
            ("spec", provider.spec),
            ("client", provider.client),
        )
    )
    for label, folder in (("source", source), ("client", client)):
        if not folder.is_dir():
            raise UsageError(
                f"provider {provider.name!r}: its {label} folder {folder} does not exist"
            )
    if not spec.is_file():
        raise UsageError(f"provider {provider.name!r}: its spec {spec} does not exist")
    pact_folder = pacts or config.pacts
    if not any(pact_folder.glob("*.json")):
        raise MatrixError(f"no pacts in {pact_folder}: run the consumer's pact tests first")
    return _Setup(
        root=config.root,
        catalogue=catalogue,
        provider=provider,
        app=str(required("app", provider.app)),
        source=source,
        spec=spec,
        client=client,
        consumer_sources=consumer_sources,
        pacts=pact_folder.resolve(),
    )


def _snapshot_committed(setup: _Setup, folder: Path) -> _Committed:
    """Copy the committed spec and client once, so every change is compared with the same."""
    committed = _Committed(folder / setup.spec.name, folder / setup.client.name)
    folder.mkdir(parents=True)
    shutil.copy(setup.spec, committed.spec)
    shutil.copytree(setup.client, committed.client, ignore=IGNORED)
    return committed


def _prepare(
    setup: _Setup, change: ProviderChange, scratch: Path, committed: _Committed, warm_cache: Path
) -> Job:
    """Copy the source into ``scratch/src`` and apply the change: the job for its worker."""
    job = Job(
        scratch=scratch,
        provider=setup.provider.name,
        app=setup.app,
        states=setup.provider.states,
        env=dict(setup.provider.env),
        pacts=setup.pacts,
        client_config=setup.provider.client_config,
        committed_spec=committed.spec,
        committed_client=committed.client,
        spec_label=_label(setup.spec, setup.root),
        client_label=_label(setup.client, setup.root),
        consumer_sources=setup.consumer_sources,
        mypy_cache=warm_cache,
    )
    shutil.copytree(setup.source, job.source, ignore=IGNORED)
    apply_change(change, job.source, setup.catalogue.path)
    return job


def _run_worker(
    root: Path, change: ProviderChange, job: Job, warm: _Signal
) -> dict[str, GateResult]:
    """The worker for one change, in a fresh interpreter that imports the changed provider.

    Its stdin carries the job, then ``go`` once the warm mypy cache is ready (or is closed
    without it when warming failed: the worker then stops).
    """
    inherited = os.environ.get("PYTHONPATH")
    environment = {
        **os.environ,
        "PACT_DO_NOT_TRACK": "true",
        "PYTHONPATH": os.pathsep.join(filter(None, (str(job.source), inherited))),
    }
    with subprocess.Popen(
        [sys.executable, "-m", WORKER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=root,
        env=environment,
    ) as process:
        assert process.stdin is not None  # noqa: S101  # stdin=PIPE
        with suppress(BrokenPipeError):  # a worker that died at once: its log says why
            process.stdin.write(job.to_json() + "\n")
            process.stdin.flush()
        go = f"{GO}\n" if warm.wait() else None
        stdout, stderr = process.communicate(go)
    if process.returncode == 0:
        try:
            return results_from_json(stdout)
        except (ValueError, TypeError) as error:
            problem = f"its answer was not the gates' results ({error})"
    else:
        problem = f"it exited with {process.returncode}"
    said = job.log.read_text(encoding="utf-8", errors="replace") if job.log.is_file() else ""
    tail = (stderr + said).strip()[-LOG_TAIL_CHARACTERS:]
    raise MatrixError(
        f"the gates could not run for {change.slug!r}: {problem}. The end of its log:\n{tail}"
    )


def _label(path: Path, root: Path) -> str:
    """``openapi/openapi.json``: the path relative to the configuration, as the document says."""
    resolved = path.resolve()
    if resolved.is_relative_to(root.resolve()):
        return resolved.relative_to(root.resolve()).as_posix()
    return path.name


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 2
