"""``contract-first catch-matrix``: which gate catches which provider change, written down and held.

Reads ``[tool.contract-first.catch-matrix]`` (the catalogue of changes, the document to
write) and the provider's and consumers' settings; see ``contract_first.gates.catch_matrix``.
"""

from pathlib import Path
from typing import Annotated

import typer

from contract_first.cli.context import session
from contract_first.console import say
from contract_first.errors import ContractBrokenError, UsageError


def catch_matrix(
    ctx: typer.Context,
    pacts: Annotated[
        Path | None,
        typer.Option(
            "--pacts",
            metavar="DIR",
            help="the folder of pact files to replay (default: the configured pacts folder)",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            metavar="PATH",
            help="the document to write (default: output in [tool.contract-first.catch-matrix])",
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="write nothing; fail when the document is stale")
    ] = False,
    fresh: Annotated[
        bool,
        typer.Option(
            "--fresh",
            help="recompute every row, even one kept from a run over exactly the same inputs",
        ),
    ] = False,
) -> None:
    """Run every gate against every catalogued provider change; write the matrix and hold its rule.

    The rule: pact verification catches every change that breaks a consumer, the
    pacts-against-spec check catches every one that widens the contract, and neither fails on
    a safe change. Exit 1 when the rule is broken (or, with --check, the document is stale),
    2 when the matrix could not be built. Rows are kept under a hash of every file that
    decides them and read back only for exactly the same inputs (--fresh: recompute all).
    """
    config = session(ctx).config()
    if config.catch_matrix is None:
        where = f" in {config.source}" if config.source else ""
        raise UsageError(
            f"no [tool.contract-first.catch-matrix] table{where}: add one with "
            'catalogue = "path/to/catch-matrix.toml"'
        )
    target = output or config.catch_matrix.output
    # The engine and its gates cost ~0.2 s to import: only this verb pays for them.
    from contract_first.gates.catch_matrix import engine  # noqa: PLC0415
    from contract_first.gates.catch_matrix.document import (  # noqa: PLC0415
        render_document,
        render_table,
    )

    rows = engine.build_matrix(config, pacts, reuse=not fresh)
    say(render_table(rows).rstrip("\n"))
    document = render_document(rows)
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if current != document:
        if check:
            raise ContractBrokenError(
                f"{_shown(target)} is stale: run `contract-first catch-matrix` and commit it"
            )
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(document, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {target}: {error.strerror or error}") from error
        say(f"wrote {_shown(target)}")
    problems = engine.rule_violations(rows)
    if problems:
        listed = "\n".join(f"  - {problem}" for problem in problems)
        raise ContractBrokenError(f"the gates fall short of the catch matrix's rule:\n{listed}")


def register(app: typer.Typer) -> None:
    """Add ``catch-matrix`` to ``app``."""
    app.command("catch-matrix")(catch_matrix)


def _shown(path: Path) -> str:
    """A path relative to the current directory when it is inside it: what a person typed."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
