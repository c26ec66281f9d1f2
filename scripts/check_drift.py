"""Fail when openapi/openapi.json or generated_client/ differ from what the provider produces now.

Usage: python scripts/check_drift.py
Regenerates both into a temporary folder, compares byte for byte, prints a diff and the fix.
"""

import argparse
import difflib
import sys
import tempfile
from pathlib import Path

from export_openapi import DEFAULT_OUTPUT as SPEC
from export_openapi import render_openapi
from generate_client import DEFAULT_OUTPUT as CLIENT
from generate_client import generate_client

FIX = "Run `just regen-client` and commit the result."
IGNORED_PARTS = {"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache"}
MAX_DIFF_LINES = 80


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
    return list(difflib.unified_diff(old, new, f"committed/{label}", f"regenerated/{label}"))


def main(argv: list[str] | None = None) -> int:
    """Exit 0 when both copies are current, 1 with diffs otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=SPEC, help="the committed OpenAPI document")
    parser.add_argument("--client", type=Path, default=CLIENT, help="the committed client")
    args = parser.parse_args(argv)
    problems: list[str] = []
    fresh_spec = render_openapi().encode("utf-8")
    committed_spec = args.spec.read_bytes() if args.spec.is_file() else None
    if committed_spec != fresh_spec:
        problems += diff("openapi/openapi.json", committed_spec, fresh_spec)
    with tempfile.TemporaryDirectory() as scratch:
        spec = Path(scratch) / "openapi.json"
        spec.write_bytes(fresh_spec)
        generate_client(spec, Path(scratch) / "generated_client")
        fresh = tree(Path(scratch) / "generated_client")
    committed = tree(args.client) if args.client.is_dir() else {}
    for name in sorted(committed.keys() | fresh.keys()):
        if committed.get(name) != fresh.get(name):
            problems += diff(f"generated_client/{name}", committed.get(name), fresh.get(name))
    if not problems:
        print("openapi/openapi.json and generated_client/ match the provider's code")
        return 0
    shown = problems[:MAX_DIFF_LINES]
    print("".join(shown), end="" if shown[-1].endswith("\n") else "\n", file=sys.stderr)
    if len(problems) > MAX_DIFF_LINES:
        print(f"... {len(problems) - MAX_DIFF_LINES} more diff lines", file=sys.stderr)
    print(f"error: the committed spec or client is stale. {FIX}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
