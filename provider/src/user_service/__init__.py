"""The user service: a FastAPI provider that creates, looks up and searches users, in SQLite."""
