"""The ``contract-first`` executable: ``python -m contract_first`` with the same arguments.

A console script starts with its own ``bin/`` folder as the import path, not the current
directory; ``python -m`` starts with the current directory, exactly as ``uvicorn main:app``
sees it. Handing over to ``-m`` before anything heavy is imported makes ``--app main:app``
find ``./main.py`` without the toolkit ever editing the import path itself.
"""

import os
import subprocess
import sys


def main() -> None:
    """Replace this process with ``python -m contract_first ARGS`` (a child on Windows)."""
    command = [sys.executable, "-m", "contract_first", *sys.argv[1:]]
    if os.name == "nt":  # no exec there: wait for the child and pass its exit code on
        sys.exit(subprocess.call(command))  # noqa: S603 - our interpreter, our module
    sys.stdout.flush()
    os.execv(sys.executable, command)  # noqa: S606 - our interpreter, our module
