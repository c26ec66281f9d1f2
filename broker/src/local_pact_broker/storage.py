"""The SQLite database: schema, connections and the one-transaction-per-write rule.

WAL mode lets readers run while a writer commits; a process-wide lock serialises writers so
that a request never fails with ``database is locked`` under concurrent publishes.

Each thread keeps its idle connection for the next request instead of opening one per request:
a fresh connection re-reads the schema, starts with an empty page and statement cache, and
closing the last one checkpoints the whole WAL into the database file. Durability does not
change: every write is still committed in WAL mode with ``synchronous=NORMAL``, which survives
the process being killed. A connection is only ever used by the thread that opened it, and by
one ``reading``/``writing`` block at a time (a nested block opens its own).
"""

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS pacticipants (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    main_branch TEXT,
    repository_url TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id),
    number TEXT NOT NULL,
    build_url TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (pacticipant_id, number)
);
CREATE TABLE IF NOT EXISTS branches (
    id INTEGER PRIMARY KEY,
    pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (pacticipant_id, name)
);
CREATE TABLE IF NOT EXISTS branch_versions (
    id INTEGER PRIMARY KEY,
    branch_id INTEGER NOT NULL REFERENCES branches(id),
    version_id INTEGER NOT NULL REFERENCES versions(id),
    created_at TEXT NOT NULL,
    UNIQUE (branch_id, version_id)
);
CREATE TABLE IF NOT EXISTS tags (
    version_id INTEGER NOT NULL REFERENCES versions(id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (version_id, name)
);
CREATE TABLE IF NOT EXISTS pact_versions (
    id INTEGER PRIMARY KEY,
    consumer_id INTEGER NOT NULL REFERENCES pacticipants(id),
    provider_id INTEGER NOT NULL REFERENCES pacticipants(id),
    sha TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (consumer_id, provider_id, sha)
);
CREATE TABLE IF NOT EXISTS pact_publications (
    id INTEGER PRIMARY KEY,
    consumer_version_id INTEGER NOT NULL REFERENCES versions(id),
    provider_id INTEGER NOT NULL REFERENCES pacticipants(id),
    pact_version_id INTEGER NOT NULL REFERENCES pact_versions(id),
    created_at TEXT NOT NULL,
    UNIQUE (consumer_version_id, provider_id)
);
CREATE TABLE IF NOT EXISTS verifications (
    id INTEGER PRIMARY KEY,
    pact_version_id INTEGER NOT NULL REFERENCES pact_versions(id),
    provider_version_id INTEGER NOT NULL REFERENCES versions(id),
    success INTEGER NOT NULL,
    build_url TEXT,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS environments (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT,
    production INTEGER NOT NULL,
    contacts TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deployed_versions (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    version_id INTEGER NOT NULL REFERENCES versions(id),
    environment_id INTEGER NOT NULL REFERENCES environments(id),
    application_instance TEXT,
    created_at TEXT NOT NULL,
    undeployed_at TEXT
);
CREATE TABLE IF NOT EXISTS released_versions (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    version_id INTEGER NOT NULL REFERENCES versions(id),
    environment_id INTEGER NOT NULL REFERENCES environments(id),
    created_at TEXT NOT NULL,
    support_ended_at TEXT,
    UNIQUE (version_id, environment_id)
);
CREATE INDEX IF NOT EXISTS verifications_by_pact_version ON verifications (pact_version_id);
CREATE INDEX IF NOT EXISTS publications_by_provider ON pact_publications (provider_id);
CREATE INDEX IF NOT EXISTS versions_by_pacticipant ON versions (pacticipant_id, id);
CREATE INDEX IF NOT EXISTS branch_versions_by_version ON branch_versions (version_id);
CREATE INDEX IF NOT EXISTS current_deployments ON deployed_versions (version_id)
    WHERE undeployed_at IS NULL;
CREATE INDEX IF NOT EXISTS current_releases ON released_versions (version_id)
    WHERE support_ended_at IS NULL;
CREATE INDEX IF NOT EXISTS pact_versions_by_provider ON pact_versions (provider_id, consumer_id);
CREATE INDEX IF NOT EXISTS pact_versions_by_sha ON pact_versions (sha);
"""

_WRITE_LOCK = threading.Lock()


class Database:
    """Connections to one SQLite file, reused per thread; every write is one transaction."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._idle = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = self._connect()
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(SCHEMA)
        finally:
            connection.close()

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self._path, isolation_level=None, timeout=30)
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("PRAGMA synchronous=NORMAL")
        # 8 MiB of page cache instead of 2: a kept connection then holds the pages the hot
        # reads touch (for-verification over 50 x 200 versions needs about 3 MiB).
        connection.execute("PRAGMA cache_size=-8192")
        return connection

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        """``begin`` on this thread's idle connection (or a new one); commit, or roll back.

        The connection goes back to the thread for its next request unless a nested block has
        put one there meanwhile or the transaction could not be ended, then it is closed.
        """
        connection: sqlite3.Connection | None = getattr(self._idle, "connection", None)
        self._idle.connection = None
        if connection is None:
            connection = self._connect()
        try:
            connection.execute(begin)
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        finally:
            if connection.in_transaction or self._idle.connection is not None:
                connection.close()
            else:
                self._idle.connection = connection

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A connection for reads, seeing one consistent snapshot."""
        with self._transaction("BEGIN") as connection:
            yield connection

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """A connection inside one write transaction: committed whole, or rolled back whole."""
        with _WRITE_LOCK, self._transaction("BEGIN IMMEDIATE") as connection:
            yield connection
