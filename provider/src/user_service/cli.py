"""``user-service``: seed, create or find users in the database, or serve the app.

Exit codes: 0 done; 1 the command could not be carried out (no such user, email taken,
database unusable); 2 bad usage or input.
"""

import argparse
import os
import sqlite3
import sys
from collections.abc import Callable

import uvicorn
from pydantic import ValidationError

from user_service.demo_users import DEMO_USERS
from user_service.foreground_server import ForegroundServer, stop_quietly_until_serving
from user_service.models import NewUser
from user_service.schema_migrations import MigrationError
from user_service.settings import Settings
from user_service.users_repository import EmailTakenError, SqliteUsersRepository

DEFAULT_PORT = 8000


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1-65535)")
    return port


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def _with_database(settings: Settings, command: Callable[[SqliteUsersRepository], int]) -> int:
    """Run ``command`` on the configured database; 1 with the variable to set if it is unusable."""
    try:
        return command(SqliteUsersRepository(settings.database_path))
    except MigrationError as error:
        _error(str(error))
    except (OSError, sqlite3.Error) as error:
        _error(
            f"cannot write the database at {settings.database_path} ({error}); "
            "set USER_SERVICE_DATABASE_PATH to a writable file"
        )
    return 1


def _seed(repository: SqliteUsersRepository) -> int:
    try:
        repository.save_all(DEMO_USERS)
    except EmailTakenError as error:
        _error(f"cannot seed the demo users: {error} under another id")
        return 1
    print(f"Seeded {len(DEMO_USERS)} users into {repository.database_path}")
    return 0


def _create(settings: Settings, name: str, email: str) -> int:
    try:
        new_user = NewUser(name=name, email=email)
    except ValidationError as invalid:
        for problem in invalid.errors():
            _error(f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}")
        return 2

    def create(repository: SqliteUsersRepository) -> int:
        try:
            user = repository.create(name=new_user.name, email=new_user.email)
        except EmailTakenError as error:
            _error(str(error))
            return 1
        print(user.model_dump_json())
        return 0

    return _with_database(settings, create)


def _find(settings: Settings, email: str) -> int:
    def find(repository: SqliteUsersRepository) -> int:
        user = repository.find_by_email(email)
        if user is None:
            _error(f"no user has the email {email}")
            return 1
        print(user.model_dump_json())
        return 0

    return _with_database(settings, find)


def _serve(settings: Settings, host: str, port: int) -> int:
    """Serve until Ctrl-C or SIGTERM, which end it with exit 0 after the app's shutdown."""
    stop_quietly_until_serving()
    if settings.api_token is None:
        print(
            "note: USER_SERVICE_API_TOKEN is not set: reads work, every write gets 401",
            file=sys.stderr,
        )
    config = uvicorn.Config("user_service.app:create_app", factory=True, host=host, port=port)
    # Returns only once a stop signal ended it; a port in use or a failed start exits non-zero.
    ForegroundServer(config).run()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="user-service", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("seed", help="insert the demo users (idempotent)")
    create = commands.add_parser("create", help="create a user; prints it as JSON")
    create.add_argument("name")
    create.add_argument("email")
    find = commands.add_parser("find", help="print the user with an email as JSON")
    find.add_argument("--email", required=True)
    serve = commands.add_parser("serve", help="serve the API with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, help=f"default: $PORT if set, else {DEFAULT_PORT}")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``user-service`` command."""
    parser = _parser()
    args = parser.parse_args(argv)
    settings = Settings()
    if args.command == "seed":
        return _with_database(settings, _seed)
    if args.command == "create":
        return _create(settings, args.name, args.email)
    if args.command == "find":
        return _find(settings, args.email)
    port = args.port
    if port is None:
        from_environment = os.environ.get("PORT", str(DEFAULT_PORT))
        try:
            port = _port(from_environment)
        except argparse.ArgumentTypeError as error:
            parser.error(f"PORT: {error}")
    return _serve(settings, args.host, port)


if __name__ == "__main__":
    sys.exit(main())
