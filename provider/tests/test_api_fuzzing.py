"""schemathesis against the running user-service, from the committed spec ``openapi/openapi.json``.

The spec is the contract the consumers and the generated client rely on (``just check-drift``
keeps it equal to what the app exports), so that is what is fuzzed: one test per operation
(named ``[METHOD /path]``), generated requests, valid and invalid, sent to the production app
served by uvicorn over a fresh SQLite database on disk. Any 5xx, or any status, media type,
header or body the spec does not declare, fails with the request as a ``curl`` line.

Writes carry the service's API token, so valid bodies reach the database (refusals without it
are pinned in ``test_create_user_api.py``). A few users exist, so about half the looked-up ids
find one.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import strategies as st
from pydantic import SecretStr
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from contract_first.verify.live_server import serve
from user_service.app import create_app
from user_service.models import User
from user_service.settings import Settings
from user_service.users_repository import SqliteUsersRepository

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
TOKEN = "fuzz-token-5c1e"  # noqa: S105 - test credential
SEEDED_IDS = (1, 2, 3, 2**63 - 1)

CHECKS: list[CheckFunction] = [
    not_a_server_error,  # no 5xx, whatever the request
    status_code_conformance,  # every status is documented for the operation
    content_type_conformance,  # ... with a documented media type
    response_schema_conformance,  # ... and a body that matches the documented schema
    response_headers_conformance,  # ... and the documented headers
]

# Bounded and deterministic (derandomized, no example database): per operation, 40 generated
# requests, valid ones and ones that break the spec, plus the coverage phase's boundary cases.
FUZZ_SETTINGS: dict[str, Any] = {
    "generation": {"max-examples": 40, "deterministic": True, "database": "none", "mode": "all"},
    "phases": {"stateful": {"enabled": False}},
}

fuzzed = schemathesis.openapi.from_path(SPEC, config=schemathesis.Config.from_dict(FUZZ_SETTINGS))
FuzzCase = schemathesis.Case[Any]  # one generated request of an operation


@fuzzed.hook
def flatmap_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
) -> st.SearchStrategy[dict[str, Any] | None]:
    """Half the generated user ids are ones that exist, so lookups reach a found user too."""
    if not path_parameters or "user_id" not in path_parameters:
        return st.just(path_parameters)
    existing = st.sampled_from(SEEDED_IDS).map(lambda i: {**path_parameters, "user_id": i})
    return st.one_of(st.just(path_parameters), existing)


@pytest.fixture(scope="module")
def fuzzed_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The production app with an API token, served over a fresh database holding a few users."""
    users = SqliteUsersRepository(tmp_path_factory.mktemp("fuzzed-users") / "users.sqlite3")
    for user_id in SEEDED_IDS:
        users.save(User(id=user_id, name=f"User {user_id}", email=f"user{user_id}@example.com"))
    with serve(create_app(Settings(api_token=SecretStr(TOKEN)), users_repository=users)) as url:
        yield url


@fuzzed.parametrize()
def test_every_answer_is_in_the_spec_and_none_is_a_server_error(
    case: FuzzCase, fuzzed_service: str
) -> None:
    case.call_and_validate(
        base_url=fuzzed_service, headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS
    )
