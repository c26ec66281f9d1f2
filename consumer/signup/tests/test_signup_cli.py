"""``signup register``: exit codes and messages a person (or a script) can act on, no token."""

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from signup.cli import main

from .canned_http_server import CannedResponse, canned_server, json_response

TOKEN = "cli-s3cret-9b7f"  # noqa: S105 (a test's token)
ADA = {"id": 42, "name": "Ada Lovelace", "email": "ada@example.com"}
CREATED = json_response(201, ADA, headers={"Location": "/users/42"})
TAKEN = json_response(409, {"detail": "A user with the email ada@example.com already exists"})
FOUND = json_response(200, {"items": [ADA], "next_cursor": None})
REFUSED = json_response(401, {"detail": "The bearer token is not this server's API token"})
REJECTED = json_response(
    422, {"detail": [{"loc": ["body", "email"], "msg": "String should match", "type": "x"}]}
)
FAILING = CannedResponse(503, b"maintenance", "text/plain")


@pytest.fixture(autouse=True)
def no_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("USER_SERVICE_BASE_URL", raising=False)
    monkeypatch.delenv("SIGNUP_USER_SERVICE_TOKEN", raising=False)


def register(url: str, *extra: str) -> int:
    return main(["register", "Ada Lovelace", "ada@example.com", "--base-url", url, *extra])


@pytest.mark.parametrize(
    ("answers", "code", "out", "err"),
    [
        ({"POST /users": CREATED}, 0, "created user 42: Ada Lovelace <ada@example.com> at ", ""),
        (
            {"POST /users": TAKEN, "GET /users": FOUND},
            0,
            "already registered: user 42: Ada Lovelace <ada@example.com>\n",
            "",
        ),
        (
            {"POST /users": REFUSED},
            1,
            "",
            "refused: the user service at URL refused the token (401): The bearer token is not "
            "this server's API token\n",
        ),
        (
            {"POST /users": REJECTED},
            1,
            "",
            "refused: the user service rejected the signup of 'Ada Lovelace' <ada@example.com> "
            "(422): body.email: String should match\n",
        ),
        (
            {"POST /users": FAILING},
            2,
            "",
            "error: the user service failed POST /users with 503: maintenance\n",
        ),
        (
            {"POST /users": TAKEN, "GET /users": json_response(200, {"items": []})},
            2,
            "",
            "error: GET /users?email=ada@example.com returned an answer the contract does not "
            "allow: KeyError('next_cursor')\n",
        ),
    ],
    ids=["created", "already-registered", "401", "422", "503", "broken-search"],
)
def test_each_outcome_has_its_exit_code_and_never_shows_the_token(
    answers: dict[str, CannedResponse],
    code: int,
    out: str,
    err: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with canned_server(answers) as server:
        assert register(server.url, "--token", TOKEN) == code

    printed = capsys.readouterr()
    assert printed.out.startswith(out)
    if code == 0 and not out.endswith("\n"):
        assert printed.out == f"{out}{server.url}/users/42\n"
    assert printed.err == err.replace("URL", server.url)
    assert TOKEN not in printed.out + printed.err


def test_the_token_comes_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGNUP_USER_SERVICE_TOKEN", TOKEN)
    monkeypatch.setenv("USER_SERVICE_BASE_URL", "set below")
    with canned_server({"POST /users": CREATED}) as server:
        monkeypatch.setenv("USER_SERVICE_BASE_URL", server.url)
        assert main(["register", "Ada Lovelace", "ada@example.com"]) == 0

    (sent,) = server.requests
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in "".join(capsys.readouterr())


def test_an_unreachable_service_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # bound but not listening: connections are refused
        assert register(f"http://127.0.0.1:{port}", "--token", TOKEN) == 2

    printed = capsys.readouterr()
    assert printed.err.startswith(
        f"error: cannot reach the user service at http://127.0.0.1:{port}"
    )
    assert TOKEN not in printed.out + printed.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["register", "Ada", "ada@example.com", "--token", TOKEN],
            "no user service URL: pass --base-url or set $USER_SERVICE_BASE_URL",
        ),
        (
            ["register", "Ada", "ada@example.com", "--base-url", "http://x"],
            "no user service token: set $SIGNUP_USER_SERVICE_TOKEN (or pass --token)",
        ),
        (
            ["register", "Ada", "ada@example.com", "--base-url", "http://x", "--token", " "],
            "no user service token: set $SIGNUP_USER_SERVICE_TOKEN (or pass --token)",
        ),
        (
            ["register", "Ada", "--base-url", "http://x", "--token", TOKEN],
            "arguments are required: EMAIL",
        ),
    ],
    ids=["no-url", "no-token", "blank-token", "no-email"],
)
def test_bad_usage_exits_2_with_a_reason_and_no_token(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)

    assert exited.value.code == 2
    printed = capsys.readouterr()
    assert message in printed.err
    assert TOKEN not in printed.out + printed.err


def test_the_console_script_is_installed_and_keeps_the_token_out_of_its_help(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    script = Path(sys.executable).with_name("signup")
    monkeypatch.setenv("SIGNUP_USER_SERVICE_TOKEN", TOKEN)
    shown = subprocess.run(
        [str(script), "register", "--help"], capture_output=True, text=True, check=False
    )

    assert shown.returncode == 0, shown.stderr
    assert "SIGNUP_USER_SERVICE_TOKEN" in shown.stdout
    assert TOKEN not in shown.stdout + shown.stderr
