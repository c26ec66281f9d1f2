"""The consumer-types gate: ``mypy --strict`` on the consumers' sources against a given client.

The client is put on mypy's path by a scratch configuration file (``mypy_path``), which also
keeps the repository's own mypy settings out of the judgement. The engine warms a cache once
against the committed client; each change starts from a copy of it (0.4 s instead of 2 s).
"""

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from contract_first.gates.catch_matrix.protocol import GateResult


def write_mypy_config(path: Path, client: Path) -> Path:
    """A mypy configuration at ``path`` that finds the client's package in ``client``."""
    path.write_text(
        "[mypy]\nstrict = True\nfollow_imports = silent\nerror_summary = False\n"
        f"mypy_path = {client}\n",
        encoding="utf-8",
    )
    return path


def start_type_check(
    config: Path, cache: Path, sources: Sequence[Path], cwd: Path
) -> subprocess.Popen[str]:
    """``mypy`` on the consumers' ``sources`` with ``config``, started in the background."""
    options = ["--config-file", str(config), "--cache-dir", str(cache)]
    return subprocess.Popen(
        [sys.executable, "-m", "mypy", *options, *(str(source) for source in sources)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish_type_check(process: subprocess.Popen[str]) -> GateResult:
    """Wait for mypy; the evidence is its first error, without the line number that churns."""
    output, _ = process.communicate()
    if process.returncode == 0:
        return GateResult(caught=False, evidence="mypy --strict passes")
    errors = [line for line in output.splitlines() if ": error: " in line]
    if not errors:
        raise RuntimeError(f"mypy failed without reporting an error:\n{output}")
    file, _, message = errors[0].partition(": error: ")
    return GateResult(caught=True, evidence=f"{Path(file.split(':')[0]).name}: {message}")
