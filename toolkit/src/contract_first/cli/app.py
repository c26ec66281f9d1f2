"""contract-first: verify pacts, gate drift, and release with a Pact Broker.

Exit codes: 0 when everything holds, 1 when a contract is broken, 2 for a usage or
environment error (bad flags or configuration, a closed port, refused credentials, no pacts).
No verb prints a Python traceback; ``CONTRACT_FIRST_DEBUG=1`` shows one for a bug report.
"""

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from contract_first.cli import (
    catch_matrix_command,
    gates_commands,
    release_commands,
    verify_command,
)
from contract_first.cli.context import Session
from contract_first.console import fail
from contract_first.errors import EXIT_USAGE, ContractFirstError

app = typer.Typer(
    name="contract-first",
    help=__doc__,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="pyproject.toml holding [tool.contract-first] (default: the nearest one "
            "from the current directory up, or $CONTRACT_FIRST_CONFIG)",
        ),
    ] = None,
) -> None:
    """Consumer-driven contract testing for FastAPI providers and Python consumers."""
    ctx.obj = Session(config_path=config)


verify_command.register(app)
gates_commands.register(app)
release_commands.register(app)
catch_matrix_command.register(app)


def main(argv: list[str] | None = None) -> int:
    """Run one verb and return its exit code; errors become one line on stderr."""
    try:
        result = app(args=argv, prog_name="contract-first", standalone_mode=False)
    except ContractFirstError as error:
        fail(str(error))
        return error.exit_code
    except typer.Exit as done:
        return done.exit_code
    except (typer.Abort, KeyboardInterrupt):
        fail("interrupted")
        return EXIT_USAGE
    except typer.TyperException as error:  # bad flags or arguments: usage and the problem
        show = getattr(error, "show", None)
        if callable(show):
            show(file=sys.stderr)
        else:
            fail(str(error))
        return int(getattr(error, "exit_code", EXIT_USAGE))
    except Exception as error:
        if os.environ.get("CONTRACT_FIRST_DEBUG"):
            raise
        fail(
            f"unexpected {type(error).__name__}: {error}. This is a bug in contract-first: "
            "rerun with CONTRACT_FIRST_DEBUG=1 for the traceback and report it"
        )
        return EXIT_USAGE
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
