"""What every verb shares: the configuration, read once, from ``--config`` or the nearest file."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from contract_first.config import Config


@dataclass
class Session:
    """The ``--config`` flag, and the configuration once a verb asked for it."""

    config_path: Path | None = None
    _config: "Config | None" = field(default=None, repr=False)

    def config(self) -> "Config":
        """The configuration; an unreadable file is a usage error (exit 2)."""
        if self._config is None:
            # pydantic validates the table (~0.1 s to import): ``--help`` never pays for it.
            from contract_first.config import load_config  # noqa: PLC0415

            self._config = load_config(self.config_path)
        return self._config


def session(ctx: typer.Context) -> Session:
    """The session the root callback stored on the context."""
    found = ctx.find_object(Session)
    if found is None:  # a verb invoked without the root callback (only in tests)
        found = ctx.ensure_object(Session)
    return found
