"""The team's own project that docs/adopting.md is tried on: a provider, a consumer, their tests.

``user-api`` is a FastAPI provider over SQLite (``USER_API_DATABASE``); ``mailer`` calls it only
through the client ``contract-first regen-client`` generates, and its pact tests write
``pacts/mailer-user-api.json``. Neither is user-service nor notification-service: the guide must
work on code the toolkit has never seen. The files the guide shows in full (the configuration,
the client settings, the state handlers) are not here: the test takes them from the guide.

Each ``STAGES`` entry is the code as it stands at one point of the guide's stories; the test
writes it when the guide reaches that point, as a developer's edit would.
"""

from collections.abc import Mapping

PROVIDER, CONSUMER = "user-api", "mailer"

BASE_PYPROJECT = """\
[project]
name = "users-and-mailer"
version = "0.1.0"
requires-python = ">=3.11"

[tool.pytest.ini_options]
# The consumer imports the client contract-first generates, from the folder it is written to.
pythonpath = [".", "user-api-client"]
addopts = "-q -p no:cacheprovider"

"""

GITIGNORE = "pacts/\ndata/\n__pycache__/\n"

STORE = '''\
"""Where user-api keeps its users: one SQLite file, at $USER_API_DATABASE."""

import json
import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any


def database_path() -> Path:
    """The database the app serves: data/users.sqlite3 unless the environment names another."""
    return Path(os.environ.get("USER_API_DATABASE", "data/users.sqlite3"))


class UserStore:
    """Users by id, each kept as one JSON document."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path)
        connection.execute("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, doc TEXT)")
        return connection

    def get(self, user_id: int) -> dict[str, Any] | None:
        with closing(self._connect()) as connection:
            row = connection.execute("SELECT doc FROM users WHERE id = ?", (user_id,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def save(self, user: dict[str, Any]) -> None:
        with closing(self._connect()) as connection, connection:
            connection.execute("REPLACE INTO users VALUES (?, ?)", (user["id"], json.dumps(user)))

    def delete(self, user_id: int) -> None:
        with closing(self._connect()) as connection, connection:
            connection.execute("DELETE FROM users WHERE id = ?", (user_id,))
'''

APP_TEMPLATE = '''\
"""user-api: users by id, over the database USER_API_DATABASE names."""

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

from user_api.store import UserStore, database_path


class User(BaseModel):
{fields}

class NotFound(BaseModel):
    detail: str


def create_app() -> FastAPI:
    """The app; its store opens the database on first use, never at import."""
    app = FastAPI(title="user-api", version="1.0.0")
    app.state.users = UserStore(database_path())

    @app.get(
        "/users/{{user_id}}",
        operation_id="get_user",
        tags=["users"],
        responses={{404: {{"model": NotFound}}}},
    )
    def get_user(user_id: int) -> User:
        found = app.state.users.get(user_id)
        if found is None:
            raise HTTPException(status_code=404, detail=f"user {{user_id}} not found")
        return User(**found)

    return app


app = create_app()
'''


def _app(*fields: str) -> str:
    return APP_TEMPLATE.format(fields="".join(f"    {field}\n" for field in fields))


STATES_NICKNAME_ANCHOR = (
    'users.save({"id": user_id, "name": parameters["name"], "email": parameters["email"]})'
)

DIRECTORY_TEMPLATE = '''\
"""The mailer's one door to user-api: the generated client, never hand-written HTTP."""

from dataclasses import dataclass

from user_api_client import Client
from user_api_client.api.users import get_user
from user_api_client.models import User


@dataclass(frozen=True)
class Recipient:
    """Who a mail goes to."""

    name: str
    email: str
{extra_field}

def find_recipient(base_url: str, user_id: int) -> Recipient | None:
    """The user as a recipient, or None when user-api has no such user."""
    with Client(base_url=base_url) as client:
        user = get_user.sync(user_id, client=client)
    if not isinstance(user, User):
        return None
{returned}'''

RETURN_V1 = "    return Recipient(name=user.name, email=user.email)\n"
RETURN_NICKNAME_UNTYPED = """\
    return Recipient(
        name=user.name,
        email=user.email,
        nickname=user.additional_properties.get("nickname"),
    )
"""
RETURN_NICKNAME_TYPED = """\
    return Recipient(name=user.name, email=user.email, nickname=user.nickname)
"""


def _directory(returned: str, *, nickname: bool) -> str:
    extra = "    nickname: str | None = None\n" if nickname else ""
    return DIRECTORY_TEMPLATE.format(extra_field=extra, returned=returned)


PACT_CONFTEST = '''\
"""Each run writes pacts/mailer-user-api.json afresh, from the tests that passed."""

from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from pact import Pact

PACT_FILE = Path(__file__).resolve().parents[2] / "pacts" / "mailer-user-api.json"


@pytest.fixture(scope="session")
def pact_file() -> Path:
    PACT_FILE.unlink(missing_ok=True)
    return PACT_FILE


@pytest.fixture
def pact(pact_file: Path, request: pytest.FixtureRequest) -> Iterator[Pact]:
    contract = Pact("mailer", "user-api").with_specification("V4")
    yield contract
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.passed:
        contract.write_file(pact_file.parent)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report: pytest.TestReport = yield
    setattr(item, f"rep_{report.when}", report)
    return report
'''

PACT_TESTS_TEMPLATE = '''\
"""What the mailer needs from user-api, exercised through find_recipient."""

from pact import Pact, match

from mailer.directory import Recipient, find_recipient

EMAIL = r"^[^@\\s]+@[^@\\s]+$"


def test_finds_a_user(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for user 42")
        .given({given})
        .with_request("GET", "/users/42")
        .will_respond_with(200)
        .with_body(
            {{
{body}            }},
            content_type="application/json",
        )
    )
    with pact.serve() as server:
        found = find_recipient(str(server.url), 42)
    assert found == Recipient({expected})


def test_a_missing_user_is_none(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for a user that does not exist")
        .given("no user exists", id=7)
        .with_request("GET", "/users/7")
        .will_respond_with(404)
        .with_body({{"detail": match.str("user 7 not found")}}, content_type="application/json")
    )
    with pact.serve() as server:
        assert find_recipient(str(server.url), 7) is None
'''

GIVEN_V1 = '"a user exists", id=42, name="Ada Lovelace", email="ada@example.com"'
BODY_V1 = """\
                "id": match.int(42),
                "name": match.str("Ada Lovelace"),
                "email": match.regex("ada@example.com", regex=EMAIL),
"""
EXPECTED_V1 = 'name="Ada Lovelace", email="ada@example.com"'


def _pact_tests(*, nickname: bool) -> str:
    if not nickname:
        return PACT_TESTS_TEMPLATE.format(given=GIVEN_V1, body=BODY_V1, expected=EXPECTED_V1)
    return PACT_TESTS_TEMPLATE.format(
        given=GIVEN_V1 + ', nickname="ada"',
        body=BODY_V1 + '                "nickname": match.str("ada"),\n',
        expected=EXPECTED_V1 + ', nickname="ada"',
    )


# The project before the guide: the team's provider and consumer, with their tests.
PROJECT: Mapping[str, str] = {
    ".gitignore": GITIGNORE,
    "pyproject.toml": BASE_PYPROJECT,
    "user_api/__init__.py": '"""user-api, the provider."""\n',
    "user_api/store.py": STORE,
    "user_api/main.py": _app("id: int", "name: str", "email: str"),
    "mailer/__init__.py": '"""mailer, the consumer."""\n',
    "mailer/directory.py": _directory(RETURN_V1, nickname=False),
    "tests/__init__.py": "",
    "tests/contract/conftest.py": PACT_CONFTEST,
    "tests/contract/test_user_api.py": _pact_tests(nickname=False),
}

# "The consumer needs a new field": the consumer reads `nickname` before the client knows it.
CONSUMER_ASKS_FOR_NICKNAME: Mapping[str, str] = {
    "mailer/directory.py": _directory(RETURN_NICKNAME_UNTYPED, nickname=True),
    "tests/contract/test_user_api.py": _pact_tests(nickname=True),
}

# The provider ships it: in the response model, and in the state its verification sets up.
PROVIDER_SENDS_NICKNAME: Mapping[str, str] = {
    "user_api/main.py": _app("id: int", "name: str", "email: str", "nickname: str"),
}
STATES_WITH_NICKNAME = (
    STATES_NICKNAME_ANCHOR,
    """users.save(
            {
                "id": user_id,
                "name": parameters["name"],
                "email": parameters["email"],
                "nickname": parameters.get("nickname", ""),
            }
        )""",
)

# After `contract-first regen-client`, the consumer switches to the typed attribute.
CONSUMER_READS_TYPED_NICKNAME: Mapping[str, str] = {
    "mailer/directory.py": _directory(RETURN_NICKNAME_TYPED, nickname=True),
}

# "The provider renames a field", done wrong: `name` becomes `full_name` in one step.
PROVIDER_RENAMES_IN_PLACE: Mapping[str, str] = {
    "user_api/main.py": _app("id: int", "full_name: str", "email: str", "nickname: str"),
}
STATES_RENAMED = ('"name": parameters["name"]', '"full_name": parameters["name"]')
