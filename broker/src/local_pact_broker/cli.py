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
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

from pydantic import ValidationError

from local_pact_broker import background
from local_pact_broker.settings import Settings

if TYPE_CHECKING:
    import uvicorn

PROG = "local-pact-broker"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# `uv run` re-sends the terminal's Ctrl-C to its child: the echo lands well within this.
ECHO_WINDOW_SECONDS = 1.0
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


def _stop_cleanly(signum: int, frame: FrameType | None) -> None:
    """Exit 0: a stop asked for before the server listens ends the process without a trace."""
    raise SystemExit(0)


def serve(host: str | None, port: int | None) -> int:
    """Serve the broker with uvicorn until stopped; 2 if settings or database are refused.

    Ctrl-C and SIGTERM are how a foreground server is meant to end, so both exit 0 with no
    traceback (see ``foreground_server``); so does one that lands before uvicorn listens.
    """
    for stop_signal in STOP_SIGNALS:
        signal.signal(stop_signal, _stop_cleanly)
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
    config = uvicorn.Config(app, host=host or settings.host, port=port or settings.port)
    server = foreground_server(config)
    server.run()
    if not server.started and not server.should_exit:
        print(
            f"{PROG}: could not serve on {config.host}:{config.port} (see above); "
            "another process may hold the port: pick one with --port or PACT_BROKER_PORT",
            file=sys.stderr,
        )
        return 1
    return 0


def foreground_server(config: "uvicorn.Config") -> "uvicorn.Server":
    """A uvicorn server that a stop signal ends with exit 0 after a graceful shutdown.

    Plain uvicorn re-raises the signal it caught once it has shut down, so the process dies
    of it (exit 130 or 143, and ``just broker`` reported a failed recipe). And ``uv run``
    forwards Ctrl-C to its child although the terminal already sent it there: uvicorn would
    take that echo for a second Ctrl-C ("force quit") and skip the app's shutdown, which
    stops the webhook worker. So an echo within ``ECHO_WINDOW_SECONDS`` is ignored, and once
    shutdown begins, late stop signals are too.
    """
    import uvicorn  # noqa: PLC0415

    class ForegroundServer(uvicorn.Server):
        first_stop: float | None = None

        @contextmanager
        def capture_signals(self) -> Iterator[None]:
            for stop_signal in STOP_SIGNALS:
                signal.signal(stop_signal, self.handle_exit)
            try:
                yield
            finally:  # the process is ending: nothing may interrupt the shutdown now
                for stop_signal in STOP_SIGNALS:
                    signal.signal(stop_signal, signal.SIG_IGN)

        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            now = time.monotonic()
            if self.first_stop is not None and now - self.first_stop < ECHO_WINDOW_SECONDS:
                return
            self.first_stop = self.first_stop or now
            super().handle_exit(sig, frame)

    return ForegroundServer(config)


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
