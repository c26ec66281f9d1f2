"""local-pact-broker: serve the local Pact Broker, or run it in the background.

commands:
  serve   serve in the foreground on --host/--port, else PACT_BROKER_HOST/PACT_BROKER_PORT
          (the default when no command is given)
  up      start it in the background on 127.0.0.1:${PACT_BROKER_PORT:-9292} with its data in
          ${PACT_BROKER_DATABASE:-.broker/broker.sqlite3}, pid and log in
          ${PACT_BROKER_STATE_DIR:-.broker}; returns once its heartbeat answers
  down    stop the broker `up` started
  status  exit 0 if a broker answers its heartbeat on PACT_BROKER_PORT, else 1
"""

import argparse
import sys
from collections.abc import Callable

from pydantic import ValidationError

from local_pact_broker import background
from local_pact_broker.settings import Settings

PROG = "local-pact-broker"
BACKGROUND: dict[str, Callable[[], int]] = {
    "up": background.up,
    "down": background.down,
    "status": background.status,
}


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 1-65535."""
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"must be a port number (1-65535), not {text!r}")
    return int(text)


def _add_serve_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--host", default=default, help="overrides PACT_BROKER_HOST (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port",
        type=port_number,
        default=default,
        help="overrides PACT_BROKER_PORT (default 9292)",
    )


def build_parser() -> argparse.ArgumentParser:
    """``local-pact-broker [--host H] [--port P] [serve|up|down|status]``."""
    parser = argparse.ArgumentParser(
        prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    _add_serve_options(parser, None)
    commands = parser.add_subparsers(dest="command", metavar="{serve,up,down,status}")
    serve_parser = commands.add_parser("serve", help="serve in the foreground (the default)")
    # SUPPRESS: `serve` without them keeps what was given before the command.
    _add_serve_options(serve_parser, argparse.SUPPRESS)
    commands.add_parser("up", help="start the broker in the background")
    commands.add_parser("down", help="stop the background broker")
    commands.add_parser("status", help="exit 0 if the broker answers its heartbeat")
    return parser


def serve(host: str | None, port: int | None) -> int:
    """Serve the broker with uvicorn until interrupted; 2 if settings or database are refused."""
    # Imported here so that up/down/status start quickly: they never load the app.
    import uvicorn  # noqa: PLC0415

    from local_pact_broker.api.auth import AuthConfigurationError  # noqa: PLC0415
    from local_pact_broker.app import create_app  # noqa: PLC0415
    from local_pact_broker.db.schema_migrations import NewerSchemaError  # noqa: PLC0415

    try:
        settings = Settings()
        app = create_app(settings)
    except ValidationError as error:
        problems = "; ".join(
            f"PACT_BROKER_{'_'.join(map(str, problem['loc'])).upper()}: {problem['msg']}"
            for problem in error.errors()
        )
        print(f"{PROG}: refusing to start: {problems}", file=sys.stderr)
        return 2
    except AuthConfigurationError as error:
        print(f"{PROG}: refusing to start: {error}", file=sys.stderr)
        return 2
    except NewerSchemaError as error:
        print(f"{PROG}: refusing to start: {settings.database}: {error}", file=sys.stderr)
        return 2
    uvicorn.run(app, host=host or settings.host, port=port or settings.port)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``local-pact-broker`` and ``python -m local_pact_broker``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    command: str = args.command or "serve"
    if command == "serve":
        return serve(args.host, args.port)
    if args.host is not None or args.port is not None:
        parser.error(f"--host and --port apply to serve; {command} reads PACT_BROKER_PORT")
    try:
        return BACKGROUND[command]()
    except background.BrokerPortError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
