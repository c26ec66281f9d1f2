"""Export the provider's OpenAPI document, byte-stable: sorted keys, 2-space indent, final newline.

Byte-stable so the committed spec only changes when the API does, and the drift gate can
compare bytes instead of meaning.
"""

import json
from collections.abc import Mapping
from pathlib import Path

from contract_first.errors import UsageError
from contract_first.provider_app import load_app, scratch_environment


def render_openapi(app_import: str, env: Mapping[str, str]) -> str:
    """The document the app at ``app_import`` serves, as text.

    The app is built inside its scratch environment (``env``, with ``{scratch}`` a throwaway
    folder), so exporting never opens or creates the provider's real storage.
    """
    with scratch_environment(env):
        app = load_app(app_import)
        openapi = getattr(app, "openapi", None)
        if not callable(openapi):
            raise UsageError(
                f"--app {app_import!r} is a {type(app).__name__}, which has no openapi() to "
                "export the spec from; point app at a FastAPI app (or a factory returning one)"
            )
        document = openapi()
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_openapi(text: str, path: Path) -> bool:
    """Write ``text`` to ``path`` unless it already holds exactly that; ``True`` if it wrote.

    Leaving an unchanged file alone keeps its timestamp, so nothing downstream rebuilds.
    """
    try:
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot write the OpenAPI document to {path}: {error}") from error
    return True
