"""The speed-ups of the hot paths must not change behaviour.

- for-verification writes its JSON in pieces (shared notices encoded once); the bytes must be
  exactly what ``JSONResponse`` renders from the parsed answer, for every selector set and
  provider context of the loader test's seeded history, in the POST and the beta GET form.
- ``Database`` keeps one idle connection per thread: nested blocks, failed blocks and other
  threads must still each get a connection in the right state.
"""

import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.responses import JSONResponse
from starlette.requests import Request

from local_pact_broker.api.routes import for_verification
from local_pact_broker.db.storage import Database

from .test_models_loader import PROVIDER_CONTEXTS, SELECTOR_SETS, _seed


@pytest.fixture(scope="module")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> Database:
    database = Database(tmp_path_factory.mktemp("fast-paths") / "broker.sqlite3")
    with database.writing() as db:
        _seed(db)
    return database


def _request() -> Request:
    scope = {
        "type": "http",
        "method": "POST",
        "scheme": "http",
        "server": ("127.0.0.1", 9292),
        "path": "/pacts/provider/Bar/for-verification",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1:9292")],
    }
    return Request(scope)


def _bodies() -> Iterator[dict[str, Any]]:
    for selectors in SELECTOR_SETS:
        for context in PROVIDER_CONTEXTS:
            if not context["branch"] and {"matchingBranch": True} in selectors:
                continue  # refused with 400: matchingBranch needs a provider branch
            body: dict[str, Any] = {
                "consumerVersionSelectors": selectors,
                "includePendingStatus": True,
                "includeWipPactsSince": "2024-01-01",
            }
            if context["branch"]:
                body["providerVersionBranch"] = context["branch"]
            if context["tags"]:
                body["providerVersionTags"] = list(context["tags"])
            yield body
    yield {"consumerVersionSelectors": [{"mainBranch": True}], "includePendingStatus": False}
    yield {"consumerVersionSelectors": [{"deployedOrReleased": True}]}


@pytest.mark.parametrize("beta", [False, True])
def test_for_verification_bytes_are_what_json_response_renders(
    seeded_database: Database, beta: bool
) -> None:
    answered = 0
    for body in _bodies():
        response = for_verification._answer(_request(), seeded_database, "Bar", body, beta)
        written = bytes(response.body)
        parsed = json.loads(written)
        assert written == JSONResponse(parsed).body, body
        assert response.media_type == "application/hal+json;charset=utf-8"
        answered += len(parsed["_embedded"]["pacts"])
    assert answered > 100  # the seeded history yields pending, verified and WIP pacts


def test_a_thread_reuses_its_connection_between_blocks(tmp_path: Path) -> None:
    database = Database(tmp_path / "broker.sqlite3")
    with database.reading() as first:
        pass
    with database.writing() as second:
        second.execute("CREATE TABLE t (x INTEGER)")
    assert second is first
    assert not first.in_transaction


def test_a_nested_block_gets_its_own_connection(tmp_path: Path) -> None:
    database = Database(tmp_path / "broker.sqlite3")
    with database.writing() as db:
        db.execute("CREATE TABLE t (x INTEGER)")
    with database.writing() as outer:
        outer.execute("INSERT INTO t VALUES (1)")
        with database.reading() as inner:
            assert inner is not outer
            assert inner.execute("SELECT count(*) FROM t").fetchone()[0] == 0  # not committed
    with database.reading() as after:
        assert after.execute("SELECT count(*) FROM t").fetchone()[0] == 1


def _insert_then_fail(database: Database) -> None:
    with database.writing() as db:
        db.execute("INSERT INTO t VALUES (1)")
        db.execute("INSERT INTO no_such_table VALUES (1)")


def test_a_failed_block_rolls_back_and_leaves_a_usable_connection(tmp_path: Path) -> None:
    database = Database(tmp_path / "broker.sqlite3")
    with database.writing() as db:
        db.execute("CREATE TABLE t (x INTEGER)")
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        _insert_then_fail(database)
    with database.reading() as db:
        assert db.execute("SELECT count(*) FROM t").fetchone()[0] == 0
    with database.writing() as db:
        db.execute("INSERT INTO t VALUES (2)")
    with database.reading() as db:
        assert [tuple(row) for row in db.execute("SELECT x FROM t")] == [(2,)]


def test_threads_do_not_share_connections(tmp_path: Path) -> None:
    database = Database(tmp_path / "broker.sqlite3")
    seen: list[sqlite3.Connection] = []

    def read() -> None:
        with database.reading() as db:
            seen.append(db)

    read()
    worker = threading.Thread(target=read)
    worker.start()
    worker.join()
    assert seen[0] is not seen[1]
