"""The users that ``user-service seed`` puts in a fresh database, for demos and manual tries."""

from user_service.models import User

DEMO_USERS = (
    User(id=1, name="Ada Lovelace", email="ada@example.com"),
    User(id=2, name="Grace Hopper", email="grace@example.com"),
    User(id=123, name="Alan Turing", email="alan@example.com"),
)
