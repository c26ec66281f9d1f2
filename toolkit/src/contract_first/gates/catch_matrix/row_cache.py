"""Rows of the catch matrix kept under a hash of everything that decides them, never reused stale.

A row is what four deterministic gates say about one edit to the provider. What decides it is
hashed, file by file, into the row's key: the edit; the provider's source, spec, client and its
generator settings; the consumers' sources; the pacts; the packages the app and the state
handlers are imported from; the configuration and the catalogue; the toolkit's own code (the
gates); this Python; every installed distribution by its ``RECORD`` (which lists the hash of
each installed file) and, for an editable install, the files of its source folder; and the
variables that change what is imported. Change any byte of any of them and the key changes,
so a row can only be read back for exactly the inputs it was computed from; anything else is
computed afresh. Paths count relative to their folder, so a clone elsewhere with the same
files has the same keys. An entry that cannot be read, or that does not hold one result per
gate, is recomputed and replaced, never trusted.

The rows live in ``$CONTRACT_FIRST_CACHE_DIR/catch-matrix`` (default
``$XDG_CACHE_HOME/contract-first``, else ``~/.cache/contract-first``), one small JSON file each.
"""

import hashlib
import importlib.machinery
import importlib.metadata
import json
import os
import platform
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import contract_first
from contract_first.gates.catch_matrix.catalogue import ProviderChange
from contract_first.gates.catch_matrix.protocol import GateResult, results_from_json

CACHE_ENV = "CONTRACT_FIRST_CACHE_DIR"
# Bump when what a row holds, or how it is computed, changes in a way the hashed code misses.
FORMAT = "catch-matrix-row-1"
# What copies of the source leave out (as the engine does): never inputs.
SKIPPED_PARTS = ("__pycache__",)
SKIPPED_SUFFIXES = (".pyc", ".pyo")
SKIPPED_FOLDER_ENDINGS = (".egg-info", "_cache")
# Variables that change which code the worker or mypy imports, or how the verifier behaves.
PATH_VARIABLES = ("PYTHONPATH", "MYPYPATH")
# What an installer writes about an install, not what was installed: it differs per machine.
INSTALLER_NOTES = ("direct_url.json", "uv_cache.json", "uv_build.json", "INSTALLER", "REQUESTED")
PACT_VARIABLE_PREFIX = "PACT_"


def default_folder() -> Path:
    """Where rows are kept unless ``$CONTRACT_FIRST_CACHE_DIR`` says otherwise."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen) / "catch-matrix"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "contract-first" / "catch-matrix"


@dataclass(frozen=True)
class Inputs:
    """Everything besides the change itself that decides what the gates say."""

    folders: Mapping[str, Path]
    files: Mapping[str, Path | None]
    modules: Iterable[str]
    module_search_path: tuple[Path, ...]


class RowCache:
    """Rows by key in one folder; reads that fail are misses, writes that fail are dropped."""

    def __init__(self, folder: Path, inputs: Inputs) -> None:
        self.folder = folder
        self._shared = shared_digest(inputs)

    def key(self, change: ProviderChange) -> str:
        """The key of ``change``'s row: the shared inputs' digest and the change's edits."""
        digest = hashlib.sha256(self._shared.encode())
        digest.update(json.dumps([asdict(edit) for edit in change.edits]).encode())
        return digest.hexdigest()

    def get(self, change: ProviderChange) -> dict[str, GateResult] | None:
        """The gates' results kept for exactly these inputs, or None."""
        entry = self.folder / f"{self.key(change)}.json"
        try:
            kept = json.loads(entry.read_text(encoding="utf-8"))
            if not isinstance(kept, dict) or kept.get("slug") != change.slug:
                return None
            return results_from_json(json.dumps(kept.get("gates")))
        except (OSError, ValueError, TypeError, AttributeError):
            return None

    def put(self, change: ProviderChange, gates: Mapping[str, GateResult]) -> None:
        """Keep the row; atomically, so a reader never sees half of it."""
        entry = self.folder / f"{self.key(change)}.json"
        text = json.dumps(
            {"slug": change.slug, "gates": {gate: asdict(result) for gate, result in gates.items()}}
        )
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            Path(temporary).replace(entry)
        except OSError:
            return  # a cache that cannot be written only costs the next run its time


def shared_digest(inputs: Inputs) -> str:
    """One hex digest of every input file's path and bytes, the environment and the packages."""
    digest = hashlib.sha256(FORMAT.encode())
    for part in _parts(inputs):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _parts(inputs: Inputs) -> Iterator[bytes]:
    yield f"python {sys.version} {platform.machine()} {sys.implementation.name}".encode()
    pact_variables = {name for name in os.environ if name.startswith(PACT_VARIABLE_PREFIX)}
    for name in sorted(pact_variables | set(PATH_VARIABLES)):
        yield f"env {name}={os.environ.get(name, '')}".encode()
    yield from _distributions()
    folders = dict(inputs.folders)
    folders["toolkit"] = Path(contract_first.__file__).parent
    for module in sorted(set(inputs.modules)):
        for number, location in enumerate(_module_locations(module, inputs.module_search_path)):
            folders[f"module {module} {number}"] = location
    for label, folder in sorted(folders.items()):
        yield from _tree(label, folder)
    for label, file in sorted(inputs.files.items()):
        yield from _file(label, file)


def _distributions() -> Iterator[bytes]:
    """Each installed distribution: its RECORD (name, version, the hash of every file it put).

    Only what is the same wherever the environment lives: console scripts (whose first line
    names this venv's Python) and the installer's notes are left out, and a ``.pth`` file
    counts by what it adds: each folder it puts on the path (an editable install's source),
    hashed file by file, and any other line as written. Then a clone elsewhere, with the
    same files, has the same key.
    """
    listed: list[tuple[str, tuple[Path, ...]]] = []
    for distribution in importlib.metadata.distributions():
        record = distribution.read_text("RECORD")
        if record is None:  # an installer that wrote none: name and version at least
            listed.append((f"{distribution.metadata['Name']} {distribution.version}", ()))
            continue
        kept: list[str] = []
        pth_files: list[Path] = []
        for line in record.splitlines():
            path = line.split(",", 1)[0]
            if path.endswith(".pth"):
                pth_files.append(Path(str(distribution.locate_file(path))))
            elif not (path.startswith("../") or Path(path).name in INSTALLER_NOTES):
                kept.append(line)
        listed.append(("\n".join(sorted(kept)), tuple(pth_files)))
    for record, added in sorted(listed):
        yield f"distribution {record}".encode()
        for pth in added:
            yield from pth_contents(pth)


def pth_contents(pth: Path) -> Iterator[bytes]:
    """What a ``.pth`` file adds to the path: each folder's files, and its other lines."""
    try:
        lines = pth.read_text(encoding="utf-8").splitlines()
    except OSError:
        yield f"pth {pth.name}: absent".encode()
        return
    for number, line in enumerate(lines):
        folder = Path(line.strip())
        if line.strip() and folder.is_absolute() and folder.is_dir():
            yield from _tree(f"pth {pth.name} {number}", folder)
        else:
            yield f"pth {pth.name} {number}: {line}".encode()


def _module_locations(dotted: str, search_path: tuple[Path, ...]) -> list[Path]:
    """Where the top-level package of ``module:attribute`` is found, as the worker finds it."""
    top = dotted.partition(":")[0].split(".")[0]
    paths = [str(path) for path in search_path] + sys.path
    spec = importlib.machinery.PathFinder.find_spec(top, paths)
    if spec is None:
        return []
    if spec.submodule_search_locations:
        return [Path(location) for location in spec.submodule_search_locations]
    return [Path(spec.origin)] if spec.origin else []


def _skipped(path: Path) -> bool:
    return (
        any(part in SKIPPED_PARTS or part.endswith(SKIPPED_FOLDER_ENDINGS) for part in path.parts)
        or path.suffix in SKIPPED_SUFFIXES
    )


def _tree(label: str, folder: Path) -> Iterator[bytes]:
    if folder.is_file():
        yield from _file(label, folder)
        return
    if not folder.is_dir():
        yield f"{label}: absent".encode()
        return
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not _skipped(relative):
            yield from _file(f"{label}/{relative.as_posix()}", path)


def _file(label: str, path: Path | None) -> Iterator[bytes]:
    if path is None or not path.is_file():
        yield f"{label}: absent".encode()
        return
    yield f"{label}: {hashlib.sha256(path.read_bytes()).hexdigest()}".encode()
