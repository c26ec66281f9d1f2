"""Auth decisions without a server."""

import base64

import pytest
from pydantic import SecretStr

from local_pact_broker.api.auth import (
    Access,
    AuthConfigurationError,
    auth_config,
    challenge,
    decide,
)
from local_pact_broker.settings import Settings

SETTINGS = Settings(
    basic_auth_username="writer",
    basic_auth_password=SecretStr("write-pw"),
    basic_auth_read_only_username="reader",
    basic_auth_read_only_password=SecretStr("read-pw"),
    bearer_token=SecretStr("write-token"),
    read_only_bearer_token=SecretStr("read-token"),
)


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_auth_is_off_by_default() -> None:
    assert auth_config(Settings()) is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("basic_auth_username", "u", "PACT_BROKER_BASIC_AUTH_PASSWORD is not"),
        ("basic_auth_password", SecretStr("p"), "PACT_BROKER_BASIC_AUTH_USERNAME is not"),
        ("basic_auth_read_only_username", "u", "PACT_BROKER_BASIC_AUTH_READ_ONLY_PASSWORD is not"),
    ],
)
def test_half_configured_auth_is_refused(field: str, value: object, message: str) -> None:
    with pytest.raises(AuthConfigurationError, match=message):
        auth_config(Settings.model_validate({field: value}))


@pytest.mark.parametrize(
    ("method", "path", "authorization", "access"),
    [
        ("GET", "/diagnostic/status/heartbeat", None, Access.ALLOWED),
        ("GET", "/", None, Access.UNAUTHENTICATED),
        ("GET", "/", basic("writer", "wrong"), Access.UNAUTHENTICATED),
        ("GET", "/", basic("reader", "write-pw"), Access.UNAUTHENTICATED),
        ("GET", "/", "Basic not-base64!", Access.UNAUTHENTICATED),
        ("GET", "/", basic("reader", "read-pw"), Access.ALLOWED),
        ("POST", "/contracts/publish", basic("reader", "read-pw"), Access.FORBIDDEN),
        (
            "POST",
            "/pacts/provider/Bar/for-verification",
            basic("reader", "read-pw"),
            Access.ALLOWED,
        ),
        ("POST", "/contracts/publish", basic("writer", "write-pw"), Access.ALLOWED),
        ("DELETE", "/webhooks/x", "Bearer read-token", Access.FORBIDDEN),
        ("DELETE", "/webhooks/x", "Bearer write-token", Access.ALLOWED),
        ("GET", "/pacts/latest", "bearer read-token", Access.ALLOWED),
        ("GET", "/pacts/latest", "Bearer nope", Access.UNAUTHENTICATED),
        ("POST", "/diagnostic/status/heartbeat", None, Access.UNAUTHENTICATED),
    ],
)
def test_decide(method: str, path: str, authorization: str | None, access: Access) -> None:
    config = auth_config(SETTINGS)
    assert config is not None
    assert decide(method, path, authorization, config) is access


def test_public_read_lets_anonymous_clients_read_only() -> None:
    config = auth_config(SETTINGS.model_copy(update={"allow_public_read": True}))
    assert config is not None
    assert decide("GET", "/", None, config) is Access.ALLOWED
    assert decide("POST", "/contracts/publish", None, config) is Access.UNAUTHENTICATED


def test_challenge_names_configured_schemes_and_settings_hide_secrets() -> None:
    config = auth_config(SETTINGS)
    assert config is not None
    assert challenge(config) == 'Basic realm="Pact Broker", Bearer realm="Pact Broker"'
    assert "write-pw" not in repr(SETTINGS)
    assert "write-token" not in repr(config)
