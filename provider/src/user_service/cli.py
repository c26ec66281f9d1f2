"""``user-service``: seed the database, or serve the app with uvicorn."""

import argparse
import sqlite3
import sys

import uvicorn

from user_service.demo_users import DEMO_USERS
from user_service.settings import Settings
from user_service.users_repository import SqliteUsersRepository


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1-65535)")
    return port


def _seed(settings: Settings) -> int:
    try:
        repository = SqliteUsersRepository(settings.database_path)
        repository.save_all(DEMO_USERS)
    except (OSError, sqlite3.Error) as error:
        print(
            f"error: cannot write the database at {settings.database_path} ({error}); "
            "set USER_SERVICE_DATABASE_PATH to a writable file",
            file=sys.stderr,
        )
        return 1
    print(f"Seeded {len(DEMO_USERS)} users into {settings.database_path}")
    return 0


def _serve(host: str, port: int) -> int:
    uvicorn.run("user_service.app:create_app", factory=True, host=host, port=port)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``user-service`` command."""
    parser = argparse.ArgumentParser(prog="user-service", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("seed", help="insert the demo users (idempotent)")
    serve = commands.add_parser("serve", help="serve the API with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8000)
    args = parser.parse_args(argv)
    if args.command == "seed":
        return _seed(Settings())
    return _serve(args.host, args.port)


if __name__ == "__main__":
    sys.exit(main())
