"""Generate the typed client from an OpenAPI document with openapi-python-client.

Usage: python scripts/generate_client.py [--spec PATH] [--output DIR]
The generator's settings live in openapi/client-config.yaml; never edit its output by hand.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT / "openapi" / "openapi.json"
DEFAULT_OUTPUT = ROOT / "generated_client"
CONFIG = ROOT / "openapi" / "client-config.yaml"


def generate_client(spec: Path, output: Path) -> None:
    """Regenerate ``output`` from ``spec``; raise ``CalledProcessError`` with the tool's output."""
    # The post-hooks call `ruff`: use the pinned one from this environment, whatever PATH says.
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    subprocess.run(
        [
            sys.executable, "-m", "openapi_python_client", "generate",
            "--path", str(spec),
            "--config", str(CONFIG),
            "--meta", "uv",
            "--output-path", str(output),
            "--overwrite",
            "--fail-on-warning",
        ],
        check=True,
        capture_output=True,
        text=True,
        env=environment,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Entry point; prints the generator's own words when it fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    if not args.spec.is_file():
        print(
            f"error: no OpenAPI document at {args.spec}; run `just export-openapi` first",
            file=sys.stderr,
        )
        return 2
    try:
        generate_client(args.spec, args.output)
    except subprocess.CalledProcessError as error:
        print(f"error: openapi-python-client failed on {args.spec}:", file=sys.stderr)
        print(error.stdout, error.stderr, sep="\n", file=sys.stderr)
        return 1
    print(f"generated {args.output} from {args.spec}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
