"""The SQLite database: connections and the one-transaction-per-write rule.

WAL mode lets readers run while a writer commits; a process-wide lock serialises writers so
that a request never fails with ``database is locked`` under concurrent publishes.

Each thread keeps its idle connection for the next request instead of opening one per request:
a fresh connection re-reads the schema, starts with an empty page and statement cache, and
closing the last one checkpoints the whole WAL into the database file. Durability does not
change: every write is still committed in WAL mode with ``synchronous=NORMAL``, which survives
the process being killed. A connection is only ever used by the thread that opened it, and by
one ``reading``/``writing`` block at a time (a nested block opens its own).

The schema is in :mod:`local_pact_broker.db.schema_migrations`; opening a database migrates it.
"""

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from local_pact_broker.db.schema_migrations import migrate

_WRITE_LOCK = threading.Lock()

Connection = sqlite3.Connection
"""One open transaction, as ``reading``/``writing`` hand it out: only repositories use it."""

Row = sqlite3.Row
"""A result row; repositories turn rows into records (``records.py``) before returning."""


class Database:
    """Connections to one SQLite file, reused per thread; every write is one transaction."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._idle = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = self._connect()
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            migrate(connection)
        finally:
            connection.close()

    def _connect(self) -> Connection:
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
