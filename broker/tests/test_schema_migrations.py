"""Schema migrations: a database from before them is adopted, and every migration is atomic."""

import json
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from local_pact_broker.db import schema_migrations
from local_pact_broker.db.schema_migrations import (
    MIGRATIONS,
    Migration,
    MigrationError,
    NewerSchemaError,
    latest_version,
    migrate,
    schema_version,
)
from local_pact_broker.db.storage import Database
from local_pact_broker.domain.pact_content import pact_sha, with_interaction_ids
from local_pact_broker.domain.timestamps import now

from .broker_live_server import start_broker

FIXTURES = Path(__file__).parent / "fixtures"
V0_SCHEMA = (FIXTURES / "broker-schema-v0.sql").read_text(encoding="utf-8")
V1_WEBHOOK_TABLES = (FIXTURES / "broker-webhook-tables-v1.sql").read_text(encoding="utf-8")
PACT = json.loads((FIXTURES / "Foo-Bar.json").read_text(encoding="utf-8"))
PACT_PATH = "/pacts/provider/Bar/consumer/Foo/version/1.0.0"
WEBHOOK_UUID = "webhook-from-before-0001"
TRIGGER_UUID = "trigger-from-before-01"
WEBHOOK_MIGRATION = 3


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.row_factory = sqlite3.Row
    return connection


def _v0_database(path: Path) -> Path:
    """A database as the broker left it before migrations: v0 schema, user_version 0, data."""
    stamp = now()
    connection = _connect(path)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.executescript(V0_SCHEMA)
        insert = connection.execute
        for name in ("Foo", "Bar"):
            insert(
                "INSERT INTO pacticipants (name, display_name, created_at, updated_at)"
                " VALUES (?,?,?,?)",
                (name, name, stamp, stamp),
            )
        foo, bar = (
            insert("SELECT id FROM pacticipants WHERE name = ?", (name,)).fetchone()[0]
            for name in ("Foo", "Bar")
        )
        consumer_version = insert(
            "INSERT INTO versions (pacticipant_id, number, build_url, created_at) VALUES (?,?,?,?)",
            (foo, "1.0.0", None, stamp),
        ).lastrowid
        provider_version = insert(
            "INSERT INTO versions (pacticipant_id, number, build_url, created_at) VALUES (?,?,?,?)",
            (bar, "2.0.0", None, stamp),
        ).lastrowid
        insert(
            "INSERT INTO tags (version_id, name, created_at) VALUES (?,?,?)",
            (consumer_version, "main", stamp),
        )
        pact_version = insert(
            "INSERT INTO pact_versions (consumer_id, provider_id, sha, content, created_at)"
            " VALUES (?,?,?,?,?)",
            (foo, bar, pact_sha(PACT), json.dumps(with_interaction_ids(PACT)), stamp),
        ).lastrowid
        insert(
            "INSERT INTO pact_publications (consumer_version_id, provider_id, pact_version_id,"
            " created_at) VALUES (?,?,?,?)",
            (consumer_version, bar, pact_version, stamp),
        )
        body = {"success": True, "providerApplicationVersion": "2.0.0"}
        insert(
            "INSERT INTO verifications (pact_version_id, provider_version_id, success,"
            " build_url, body, created_at) VALUES (?,?,?,?,?,?)",
            (pact_version, provider_version, 1, None, json.dumps(body), stamp),
        )
        assert schema_version(connection) == 0
    finally:
        connection.close()
    return path


def _schema(path: Path) -> list[tuple[str, str, str]]:
    connection = _connect(path)
    try:
        rows = connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
        ).fetchall()
    finally:
        connection.close()
    return [tuple(row) for row in rows]


def _version(path: Path) -> int:
    connection = _connect(path)
    try:
        return schema_version(connection)
    finally:
        connection.close()


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
        return json.load(response)


def test_migration_1_is_the_schema_of_the_broker_before_migrations(tmp_path: Path) -> None:
    v0 = _v0_database(tmp_path / "v0.sqlite3")
    connection = _connect(new := tmp_path / "new.sqlite3")
    try:
        assert migrate(connection, MIGRATIONS[:1]) == [1]
    finally:
        connection.close()
    assert _schema(new) == _schema(v0)
    Database(new)
    assert _version(new) == latest_version() == MIGRATIONS[-1][0]


def test_a_database_from_before_migrations_is_adopted_with_its_data(tmp_path: Path) -> None:
    database = _v0_database(tmp_path / "broker.sqlite3")
    with start_broker(database) as broker:
        pact = broker.get(PACT_PATH)
        pacticipants = broker.get("/pacticipants")
        tag = broker.get("/pacticipants/Foo/versions/1.0.0/tags/main")
        sha = pact_sha(PACT)
        verification = broker.get(
            f"/pacts/provider/Bar/consumer/Foo/pact-version/{sha}/verification-results/1"
        )
    assert pact["interactions"][0]["description"] == "get thing"
    assert pact["consumer"] == {"name": "Foo"}
    names = {p["name"] for p in pacticipants["_embedded"]["pacticipants"]}
    assert names == {"Foo", "Bar"}
    assert tag["name"] == "main"
    assert verification["success"] is True
    assert _version(database) == latest_version()


def _v1_database_with_webhooks(path: Path) -> Path:
    """A database as the broker left it before the webhook migration: every migration before
    it, and the webhook tables it created outside migrations, with a webhook, a delivery and
    its log."""
    _v0_database(path)
    connection = _connect(path)
    try:
        before = [m for m in MIGRATIONS if m[0] < WEBHOOK_MIGRATION]
        assert migrate(connection, before) == [version for version, _, _ in before]
        connection.executescript(V1_WEBHOOK_TABLES)
        stamp = now()
        request = {"method": "POST", "url": "https://ci.example/hook", "headers": {"X": "y"}}
        connection.execute(
            "INSERT INTO webhooks (uuid, description, consumer, provider, events, request,"
            " enabled, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                WEBHOOK_UUID,
                "kept across migrations",
                "Foo",
                "Bar",
                json.dumps([{"name": "contract_published"}]),
                json.dumps(request),
                1,
                stamp,
                stamp,
            ),
        )
        delivery = connection.execute(
            "INSERT INTO triggered_webhooks (uuid, webhook_uuid, event_name, consumer, provider,"
            " context, status, attempts_made, next_attempt_at, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                TRIGGER_UUID,
                WEBHOOK_UUID,
                "contract_published",
                "Foo",
                "Bar",
                json.dumps({"consumerName": "Foo"}),
                "failure",
                1,
                None,
                stamp,
                stamp,
            ),
        ).lastrowid
        connection.execute(
            "INSERT INTO webhook_executions (triggered_webhook_id, success, logs, created_at)"
            " VALUES (?,?,?,?)",
            (delivery, 0, "the log written before the webhook migration\n", stamp),
        )
        assert schema_version(connection) == WEBHOOK_MIGRATION - 1
    finally:
        connection.close()
    return path


def test_webhook_tables_made_outside_migrations_are_adopted_with_their_data(
    tmp_path: Path,
) -> None:
    database = _v1_database_with_webhooks(tmp_path / "broker.sqlite3")
    with start_broker(database) as broker:
        webhook = broker.get(f"/webhooks/{WEBHOOK_UUID}")
        deliveries = broker.get(f"/webhooks/{WEBHOOK_UUID}/triggered-webhooks")
        logs_url = f"{broker.url}/webhooks/{WEBHOOK_UUID}/trigger/{TRIGGER_UUID}/logs"
        with urllib.request.urlopen(logs_url, timeout=10) as response:  # noqa: S310 - loopback
            logs = response.read().decode()
        pact = broker.get(PACT_PATH)
    assert webhook["description"] == "kept across migrations"
    assert webhook["request"]["url"] == "https://ci.example/hook"
    [delivery] = deliveries["_embedded"]["triggeredWebhooks"]
    assert (delivery["status"], delivery["attemptsMade"]) == ("failure", 1)
    assert logs == "the log written before the webhook migration\n"
    assert pact["consumer"] == {"name": "Foo"}
    assert _version(database) == latest_version()
    Database(fresh := tmp_path / "fresh.sqlite3")
    assert _schema(database) == _schema(fresh)


def test_a_new_database_gets_every_table_from_the_migrations(tmp_path: Path) -> None:
    Database(database := tmp_path / "broker.sqlite3")
    tables = {name for kind, name, _ in _schema(database) if kind == "table"}
    assert {"webhooks", "triggered_webhooks", "webhook_executions"} <= tables
    assert _version(database) == latest_version()


def test_migrating_twice_changes_nothing(tmp_path: Path) -> None:
    database = _v0_database(tmp_path / "broker.sqlite3")
    Database(database)
    schema_after_first = _schema(database)
    connection = _connect(database)
    try:
        assert migrate(connection) == []
        counts = connection.execute("SELECT count(*) FROM pacticipants").fetchone()[0]
    finally:
        connection.close()
    Database(database)
    assert _schema(database) == schema_after_first
    assert _version(database) == latest_version()
    assert counts == 2


def _fails(connection: sqlite3.Connection) -> None:
    connection.execute(
        "INSERT INTO pacticipants (name, display_name, created_at, updated_at)"
        " VALUES ('Baz', 'Baz', 'now', 'now')"
    )
    raise RuntimeError("boom")


NEXT = latest_version() + 1


@pytest.mark.parametrize(
    "broken",
    [
        (
            NEXT,
            "add a column, then a typo",
            "ALTER TABLE pacticipants ADD COLUMN team TEXT;\nCREATE TABL oops (x);",
        ),
        (NEXT, "insert a row, then raise", _fails),
    ],
    ids=["sql", "callable"],
)
def test_a_failing_migration_rolls_back_whole_and_names_itself(
    tmp_path: Path, broken: Migration
) -> None:
    database = _v0_database(tmp_path / "broker.sqlite3")
    Database(database)  # every known migration, then the broken one on its own
    schema_before = _schema(database)
    connection = _connect(database)
    try:
        with pytest.raises(MigrationError, match=rf"schema migration {NEXT} \(" + broken[1]):
            migrate(connection, [*MIGRATIONS, broken])
        assert not connection.in_transaction
        names = [row["name"] for row in connection.execute("SELECT name FROM pacticipants")]
    finally:
        connection.close()
    # The known migrations stayed; nothing of the broken one did, version bump included.
    assert _version(database) == latest_version()
    assert _schema(database) == schema_before
    assert sorted(names) == ["Bar", "Foo"]


def test_a_database_from_a_newer_broker_is_refused(tmp_path: Path) -> None:
    database = tmp_path / "broker.sqlite3"
    Database(database)
    connection = _connect(database)
    try:
        connection.execute(f"PRAGMA user_version = {latest_version() + 1}")
    finally:
        connection.close()
    schema_before = _schema(database)
    with pytest.raises(NewerSchemaError, match="newer than this broker knows"):
        Database(database)
    assert _version(database) == latest_version() + 1
    assert _schema(database) == schema_before

    result = subprocess.run(
        [sys.executable, "-m", "local_pact_broker", "serve", "--port", "1"],
        env={"PACT_BROKER_DATABASE": str(database), "PACT_DO_NOT_TRACK": "true"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("local-pact-broker: refusing to start: ")
    assert str(database) in lines[0]
    assert f"schema version {latest_version() + 1}" in lines[0]


def test_migrations_must_be_numbered_in_order(tmp_path: Path) -> None:
    connection = _connect(tmp_path / "broker.sqlite3")
    try:
        with pytest.raises(ValueError, match="in order"):
            migrate(connection, [*MIGRATIONS, (NEXT + 1, "skips one", "SELECT 1;")])
        assert schema_version(connection) == 0
    finally:
        connection.close()


def test_statements_splits_sql_into_complete_statements() -> None:
    sql = "-- a comment\nCREATE TABLE a (x TEXT DEFAULT ';');\nCREATE INDEX b ON a (x);\n"
    assert schema_migrations.statements(sql) == [
        "-- a comment\nCREATE TABLE a (x TEXT DEFAULT ';');",
        "CREATE INDEX b ON a (x);",
    ]
    with pytest.raises(ValueError, match="incomplete"):
        schema_migrations.statements("CREATE TABLE a (x")
