"""Export the provider's OpenAPI document, byte-stable: sorted keys, 2-space indent, final newline.

Usage: python scripts/export_openapi.py [--output PATH]
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

from user_service.app import create_app
from user_service.users_repository import SqliteUsersRepository

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"


def render_openapi() -> str:
    """The document as text; storage is a throwaway file since exporting reads no data."""
    with tempfile.TemporaryDirectory() as scratch:
        app = create_app(users_repository=SqliteUsersRepository(Path(scratch) / "export.sqlite3"))
        document = app.openapi()
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the document, touching the file only when its content changed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    output: Path = args.output
    text = render_openapi()
    if output.is_file() and output.read_text(encoding="utf-8") == text:
        print(f"{output} is up to date")
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
