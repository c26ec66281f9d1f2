"""``notifications lookup ID``: look a user up the way the service does, and print the address."""

import argparse
import os
import sys

from notifications.user_directory import DEFAULT_TIMEOUT_SECONDS, UserDirectory
from notifications.user_directory_errors import UserDirectoryError

BASE_URL_VARIABLE = "USER_SERVICE_BASE_URL"
EXIT_NOT_FOUND = 1
EXIT_FAILED = 2


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{value} is not a positive user id")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="notifications", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    lookup = commands.add_parser("lookup", help="look up a user and print the notification address")
    lookup.add_argument("user_id", type=_positive_int, help="the user's id, a positive integer")
    lookup.add_argument(
        "--base-url",
        default=os.environ.get(BASE_URL_VARIABLE),
        help=f"the user service's base URL (default: ${BASE_URL_VARIABLE})",
    )
    lookup.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_SECONDS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Exit 0 with the address, 1 when there is no such user, 2 when the lookup failed."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.base_url:
        parser.error(f"no user service URL: pass --base-url or set ${BASE_URL_VARIABLE}")
    try:
        recipient = UserDirectory(args.base_url, timeout=args.timeout).get_user(args.user_id)
    except UserDirectoryError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    if recipient is None:
        print(f"no user with id {args.user_id}", file=sys.stderr)
        return EXIT_NOT_FOUND
    print(f"{recipient.id}: {recipient.address}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
