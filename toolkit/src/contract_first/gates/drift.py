"""Fail when the committed spec or generated client differ from what the provider produces now.

Both are regenerated (the client into a temporary folder) and compared byte for byte: the
consumer type-checks against the committed client, so a stale one hides a breaking change.
"""

import difflib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from contract_first.gates.client_generation import generate_client
from contract_first.gates.openapi_export import render_openapi

FIX = "Run `contract-first regen-client` (here: `just regen-client`) and commit the result."
IGNORED_PARTS = {"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache"}
MAX_DIFF_LINES = 80


@dataclass(frozen=True)
class DriftResult:
    """Which committed files are stale, with the unified diff that shows how."""

    spec_label: str
    client_label: str
    stale: tuple[str, ...]
    diff_lines: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether the committed spec and client are what the code produces."""
        return not self.stale

    def summary(self) -> str:
        """The one line printed when nothing is stale."""
        return f"{self.spec_label} and {self.client_label}/ match the provider's code"

    def report(self, limit: int = MAX_DIFF_LINES) -> str:
        """The diff, cut at ``limit`` lines so one reformatted file does not flood the log."""
        shown = "".join(self.diff_lines[:limit]).rstrip("\n")
        hidden = len(self.diff_lines) - limit
        return shown + (f"\n... {hidden} more diff lines" if hidden > 0 else "")


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` that generation owns, by relative path."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and not IGNORED_PARTS.intersection(path.parts)
        and not any(part.endswith(".egg-info") for part in path.parts)
    }


def diff(label: str, committed: bytes | None, fresh: bytes | None) -> list[str]:
    """A unified diff of one file, committed copy against a fresh one."""
    old = (committed or b"").decode("utf-8", errors="replace").splitlines(keepends=True)
    new = (fresh or b"").decode("utf-8", errors="replace").splitlines(keepends=True)
    lines = list(difflib.unified_diff(old, new, f"committed/{label}", f"regenerated/{label}"))
    return [line if line.endswith("\n") else line + "\n" for line in lines]


def compare(
    spec: Path, client: Path, fresh_spec: bytes, fresh_client: Mapping[str, bytes]
) -> DriftResult:
    """The committed ``spec`` and ``client`` folder against freshly generated ones."""
    spec_label, client_label = label(spec), label(client)
    stale: list[str] = []
    lines: list[str] = []
    committed_spec = spec.read_bytes() if spec.is_file() else None
    if committed_spec != fresh_spec:
        stale.append(spec_label)
        lines += diff(spec_label, committed_spec, fresh_spec)
    committed = tree(client) if client.is_dir() else {}
    for name in sorted(committed.keys() | fresh_client.keys()):
        if committed.get(name) != fresh_client.get(name):
            stale.append(f"{client_label}/{name}")
            lines += diff(f"{client_label}/{name}", committed.get(name), fresh_client.get(name))
    return DriftResult(spec_label, client_label, tuple(stale), tuple(lines))


def check_drift(
    app_import: str,
    env: Mapping[str, str],
    spec: Path,
    client: Path,
    client_config: Path | None = None,
) -> DriftResult:
    """Regenerate the spec from the app and the client from that spec; compare with the commit."""
    fresh_spec = render_openapi(app_import, env).encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="contract-first-drift-") as scratch:
        fresh_spec_path = Path(scratch) / "openapi.json"
        fresh_spec_path.write_bytes(fresh_spec)
        generated = Path(scratch) / "generated_client"
        generate_client(fresh_spec_path, generated, client_config)
        fresh_client = tree(generated)
    return compare(spec, client, fresh_spec, fresh_client)


def label(path: Path) -> str:
    """``openapi/openapi.json`` under the current directory; else the last part of the path.

    Short, stable names keep the diff headers readable and the same on every machine.
    """
    resolved = path.resolve()
    here = Path.cwd().resolve()
    if resolved.is_relative_to(here) and resolved != here:
        return resolved.relative_to(here).as_posix()
    return path.name or os.fspath(path)
