"""The user service: a FastAPI provider of user lookups, backed by SQLite."""
