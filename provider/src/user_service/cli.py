"""``user-service``: seed the database, or serve the app with uvicorn."""

import argparse
import sys

import uvicorn

from user_service.demo_users import DEMO_USERS
from user_service.settings import Settings
from user_service.users_repository import SqliteUsersRepository


def _seed(settings: Settings) -> int:
    repository = SqliteUsersRepository(settings.database_path)
    repository.save_all(DEMO_USERS)
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
    serve.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    if args.command == "seed":
        return _seed(Settings())
    return _serve(args.host, args.port)


if __name__ == "__main__":
    sys.exit(main())
