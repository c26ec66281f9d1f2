"""SQLite storage, ordered schema migrations, and repositories that return plain dataclasses."""
