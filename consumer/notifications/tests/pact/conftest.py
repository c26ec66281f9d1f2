"""The pact between notification-service and user-service; fixtures in consumer/conftest.py."""

import pytest


@pytest.fixture(scope="session")
def pact_between() -> tuple[str, str]:
    """Consumer and provider, as the broker names them."""
    return "notification-service", "user-service"
