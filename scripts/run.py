"""Run a ``just`` recipe on a machine that has only Python and pip.

Usage: python3 scripts/run.py RECIPE [ARGS...]     e.g. `python3 scripts/run.py demo`

On first use it installs the pinned uv and just into .tools/ (a private virtualenv, so the
system Python is untouched), then runs `just RECIPE` with .tools/bin on PATH.
"""

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools"
BIN = TOOLS / ("Scripts" if os.name == "nt" else "bin")
PINNED = ("uv==0.13.9", "rust-just==1.59.0")
STAMP = TOOLS / "installed.txt"


def ensure_tools() -> None:
    """Install the pinned tools once; reinstall when the pins change."""
    wanted = "\n".join(PINNED) + "\n"
    if STAMP.is_file() and STAMP.read_text(encoding="utf-8") == wanted:
        return
    print(f"Installing {', '.join(PINNED)} into {TOOLS.relative_to(ROOT)}/ ...", flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(TOOLS)
    subprocess.run(
        [
            str(BIN / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *PINNED,
        ],
        check=True,
    )
    STAMP.write_text(wanted, encoding="utf-8")


def main(argv: list[str]) -> int:
    """Exit with the recipe's own exit code."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this runs on whatever python3 the machine has
        print(
            f"error: Python 3.11 or newer is needed; this is {sys.version.split()[0]}",
            file=sys.stderr,
        )
        return 2
    try:
        ensure_tools()
    except subprocess.CalledProcessError as error:
        print(
            f"error: installing {', '.join(PINNED)} failed ({error}); check pip's message above",
            file=sys.stderr,
        )
        return 2
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(
        [str(BIN / "just"), *argv], cwd=ROOT, env=environment, check=False
    ).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
