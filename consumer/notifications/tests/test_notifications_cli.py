"""``notifications lookup``: exit codes and messages a person (or a script) can act on."""

import json

import pytest

from notifications.cli import main

from .canned_http_server import CannedResponse, canned_server


def test_a_found_user_prints_the_address(capsys: pytest.CaptureFixture[str]) -> None:
    user = json.dumps({"id": 3, "name": "Alan Turing", "email": "alan@example.com"}).encode()
    with canned_server(CannedResponse(200, user)) as url:
        assert main(["lookup", "3", "--base-url", url]) == 0

    assert capsys.readouterr().out == "3: Alan Turing <alan@example.com>\n"


def test_a_missing_user_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    with canned_server(CannedResponse(404, b'{"detail": "User 3 not found"}')) as url:
        assert main(["lookup", "3", "--base-url", url]) == 1

    assert "no user with id 3" in capsys.readouterr().err


def test_a_failing_service_exits_2_with_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    with canned_server(CannedResponse(503, b"maintenance", "text/plain")) as url:
        assert main(["lookup", "3", "--base-url", url]) == 2

    assert (
        "error: user service failed GET /users/3 with 503: maintenance" in capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["lookup", "abc", "--base-url", "http://x"], "'abc' is not a whole number"),
        (["lookup", "0", "--base-url", "http://x"], "0 is not a positive user id"),
        (["lookup", "3"], "no user service URL: pass --base-url or set $USER_SERVICE_BASE_URL"),
    ],
)
def test_bad_input_is_refused_with_a_reason(
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("USER_SERVICE_BASE_URL", raising=False)
    with pytest.raises(SystemExit) as exited:
        main(argv)

    assert exited.value.code == 2
    assert message in capsys.readouterr().err
