"""``signup register NAME EMAIL``: sign someone up the way the service does, and say what happened.

Exit status: 0 when the user was created or was registered already (the output says which),
1 when the user service refused the signup (a wrong token, or a name or email it rejects),
2 on a usage error or when the signup failed (service unreachable, too slow, or answering
outside the contract). The token is never printed.
"""

import argparse
import os
import sys

from signup.registrar import DEFAULT_TIMEOUT_SECONDS, Registrar
from signup.registration import Registration
from signup.signup_errors import InvalidSignupError, NotAuthorisedError, SignupError

BASE_URL_VARIABLE = "USER_SERVICE_BASE_URL"
TOKEN_VARIABLE = "SIGNUP_USER_SERVICE_TOKEN"  # noqa: S105 (the variable's name, not a token)
EXIT_REFUSED = 1
EXIT_FAILED = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="signup", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    register = commands.add_parser(
        "register", help="sign a person up as a user of the user service"
    )
    register.add_argument("name", metavar="NAME", help="the person's display name")
    register.add_argument("email", metavar="EMAIL", help="the person's email address")
    register.add_argument(
        "--base-url",
        default=os.environ.get(BASE_URL_VARIABLE),
        help=f"the user service's base URL (default: ${BASE_URL_VARIABLE})",
    )
    # No default from the environment here: argparse may show defaults, and this is a secret.
    register.add_argument(
        "--token",
        help=f"the user service's API token (default: ${TOKEN_VARIABLE}; prefer the variable: "
        "a flag shows in the process list and in shell history)",
    )
    register.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_SECONDS)
    return parser


def _outcome(registration: Registration) -> str:
    if registration.already_registered:
        return f"already registered: user {registration.id}: {registration.address}"
    return f"created user {registration.id}: {registration.address} at {registration.location}"


def main(argv: list[str] | None = None) -> int:
    """Exit 0 when signed up (or already), 1 when the service refused, 2 when it failed."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.base_url:
        parser.error(f"no user service URL: pass --base-url or set ${BASE_URL_VARIABLE}")
    token = args.token if args.token is not None else os.environ.get(TOKEN_VARIABLE, "")
    if not token.strip():
        parser.error(f"no user service token: set ${TOKEN_VARIABLE} (or pass --token)")
    try:
        registration = Registrar(args.base_url, token, timeout=args.timeout).register(
            args.name, args.email
        )
    except (NotAuthorisedError, InvalidSignupError) as error:
        print(f"refused: {error}", file=sys.stderr)
        return EXIT_REFUSED
    except SignupError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(_outcome(registration))
    return 0


if __name__ == "__main__":
    sys.exit(main())
