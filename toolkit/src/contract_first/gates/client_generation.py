"""Generate the typed client from an OpenAPI document with openapi-python-client.

The generator runs as a subprocess of this very interpreter, so the pinned generator (and,
through ``PATH``, the pinned ruff its post-hooks call) is used whatever the shell has.
Its settings live in the provider's ``client-config``; never edit its output by hand.
"""

import os
import subprocess
import sys
from pathlib import Path

from contract_first.errors import UsageError


class ClientGenerationError(UsageError):
    """openapi-python-client refused the spec or failed; the message carries its own words."""


def generate_client(spec: Path, output: Path, config: Path | None = None) -> None:
    """Regenerate ``output`` from ``spec`` with the generator settings in ``config``.

    ``--fail-on-warning`` makes a spec the generator only half understands an error here,
    rather than a client that silently lacks an endpoint.
    """
    if not spec.is_file():
        raise UsageError(
            f"no OpenAPI document at {spec}; run `contract-first export-openapi` first"
        )
    if config is not None and not config.is_file():
        raise UsageError(f"no openapi-python-client configuration at {config}")
    environment = {
        **os.environ,
        "PATH": os.pathsep.join(
            filter(None, (str(Path(sys.executable).parent), os.environ.get("PATH")))
        ),
    }
    settings = ["--config", str(config)] if config is not None else []
    command = [
        sys.executable, "-m", "openapi_python_client", "generate",
        "--path", str(spec),
        *settings,
        "--meta", "uv",
        "--output-path", str(output),
        "--overwrite",
        "--fail-on-warning",
    ]  # fmt: skip
    finished = subprocess.run(  # our own interpreter, arguments we built
        command, capture_output=True, text=True, env=environment, check=False
    )
    if finished.returncode != 0:
        words = "\n".join(
            part.strip() for part in (finished.stdout, finished.stderr) if part.strip()
        )
        raise ClientGenerationError(
            f"openapi-python-client failed on {spec} (exit {finished.returncode}):\n"
            f"{words or '(it printed nothing)'}"
        )
