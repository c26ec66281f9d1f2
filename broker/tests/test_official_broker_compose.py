"""broker/official/compose.yaml, the path past one machine: the official Pact Broker on Postgres.

No Docker daemon runs here and no image can be pulled, so the file is checked for what makes it
safe to hand to a team: images pinned, the broker started only once Postgres answers, health
checks that need no credentials, no password written down, data kept in a named volume. Its
schema is checked by `just lint` (check-jsonschema's compose-spec).
"""

import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "broker" / "official" / "compose.yaml"
README = ROOT / "README.md"
# A required variable: compose stops with the message when it is unset or empty.
REQUIRED = re.compile(r"^\$\{(?P<name>[A-Z_]+):\?[^}]+\}$")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def _service(compose: dict[str, Any], name: str) -> dict[str, Any]:
    services: dict[str, dict[str, Any]] = compose["services"]
    assert name in services, f"{COMPOSE}: no service {name!r}; services are {sorted(services)}"
    return services[name]


def _required_variable(value: object, where: str) -> str:
    match = REQUIRED.match(str(value))
    assert match, f"{where} must be a required variable like ${{NAME:?message}}, not {value!r}"
    return match["name"]


def test_the_broker_is_the_official_image_pinned_to_pact_broker_2_119(
    compose: dict[str, Any],
) -> None:
    image = _service(compose, "pact-broker")["image"]
    assert re.fullmatch(
        r"pactfoundation/pact-broker:\d+\.\d+\.\d+-pactbroker2\.119\.\d+(@sha256:[0-9a-f]{64})?",
        image,
    ), f"pact-broker image {image!r}: pin an exact pactfoundation/pact-broker tag of 2.119.x"


def test_postgres_is_pinned_to_a_minor_release(compose: dict[str, Any]) -> None:
    image = _service(compose, "postgres")["image"]
    assert re.fullmatch(r"postgres:\d+\.\d+(-[a-z0-9.]+)?(@sha256:[0-9a-f]{64})?", image), (
        f"postgres image {image!r}: pin a minor release such as postgres:17.9-alpine, "
        "so an upgrade of the data directory is a decision, not a pull"
    )


def test_the_broker_starts_only_once_postgres_answers_over_tcp(compose: dict[str, Any]) -> None:
    depends_on = _service(compose, "pact-broker").get("depends_on", {})
    assert depends_on.get("postgres", {}).get("condition") == "service_healthy", (
        f"pact-broker must wait for postgres to be healthy, not just started: {depends_on!r}"
    )
    check = _service(compose, "postgres")["healthcheck"]["test"]
    assert "pg_isready" in check, f"postgres healthcheck should run pg_isready: {check!r}"
    assert "--host=127.0.0.1" in check, (
        "pg_isready must ask over TCP: during first-start initialisation Postgres answers on "
        f"its socket before the real server is up: {check!r}"
    )


def test_the_broker_is_healthy_by_its_heartbeat_without_credentials(
    compose: dict[str, Any],
) -> None:
    broker = _service(compose, "pact-broker")
    check = broker["healthcheck"]["test"]
    assert any(str(part).endswith("/diagnostic/status/heartbeat") for part in check), (
        f"pact-broker healthcheck should fetch the heartbeat: {check!r}"
    )
    assert broker["environment"].get("PACT_BROKER_PUBLIC_HEARTBEAT") == "true", (
        "with basic auth on, the heartbeat answers 401 unless PACT_BROKER_PUBLIC_HEARTBEAT=true"
    )


def test_no_password_is_written_down(compose: dict[str, Any]) -> None:
    for service_name in ("postgres", "pact-broker"):
        environment: dict[str, object] = _service(compose, service_name)["environment"]
        for key, value in environment.items():
            if "PASSWORD" not in key or key.endswith("READ_ONLY_PASSWORD"):
                continue
            _required_variable(value, f"{service_name}.environment.{key}")
        assert not any("URL" in key and "@" in str(v) for key, v in environment.items()), (
            f"{service_name}: credentials inside a URL; use the separate *_PASSWORD variables"
        )
    read_only = _service(compose, "pact-broker")["environment"][
        "PACT_BROKER_BASIC_AUTH_READ_ONLY_PASSWORD"
    ]
    assert read_only == "${PACT_BROKER_BASIC_AUTH_READ_ONLY_PASSWORD:-}", (
        f"the optional read-only password defaults to empty (off), not to a value: {read_only!r}"
    )


def test_the_broker_logs_in_to_postgres_with_the_password_postgres_was_given(
    compose: dict[str, Any],
) -> None:
    postgres = _service(compose, "postgres")["environment"]
    broker = _service(compose, "pact-broker")["environment"]
    given = _required_variable(postgres["POSTGRES_PASSWORD"], "postgres POSTGRES_PASSWORD")
    used = _required_variable(
        broker["PACT_BROKER_DATABASE_PASSWORD"], "pact-broker PACT_BROKER_DATABASE_PASSWORD"
    )
    assert given == used, f"postgres is given ${given} but the broker logs in with ${used}"
    assert broker["PACT_BROKER_DATABASE_USERNAME"] == postgres["POSTGRES_USER"]
    assert broker["PACT_BROKER_DATABASE_NAME"] == postgres["POSTGRES_DB"]
    assert broker["PACT_BROKER_DATABASE_HOST"] == "postgres"


def test_basic_auth_is_on_and_must_be_chosen(compose: dict[str, Any]) -> None:
    environment = _service(compose, "pact-broker")["environment"]
    for key in ("PACT_BROKER_BASIC_AUTH_USERNAME", "PACT_BROKER_BASIC_AUTH_PASSWORD"):
        assert key in environment, f"pact-broker: {key} missing, so the broker would be open"
        assert _required_variable(environment[key], f"pact-broker {key}") == key


def test_postgres_keeps_its_data_in_a_named_volume(compose: dict[str, Any]) -> None:
    mounts = _service(compose, "postgres").get("volumes", [])
    data = [m for m in mounts if str(m).endswith(":/var/lib/postgresql/data")]
    assert data, f"postgres data directory is not mounted: {mounts!r}"
    volume = str(data[0]).split(":", 1)[0]
    assert volume in (compose.get("volumes") or {}), (
        f"{volume!r} is not a named volume declared under top-level `volumes:`"
    )


def test_the_broker_listens_on_loopback_unless_told_otherwise(compose: dict[str, Any]) -> None:
    ports = _service(compose, "pact-broker")["ports"]
    assert ports == ["${PACT_BROKER_BIND:-127.0.0.1}:9292:9292"], (
        f"publish 9292 on 127.0.0.1 by default (PACT_BROKER_BIND to widen it): {ports!r}"
    )


def test_the_image_does_not_phone_home_and_webhooks_may_reach_github(
    compose: dict[str, Any],
) -> None:
    environment = _service(compose, "pact-broker")["environment"]
    assert environment.get("PACT_DO_NOT_TRACK") == "true", (
        "the image pings its maker at start unless PACT_DO_NOT_TRACK is set"
    )
    whitelist = str(environment.get("PACT_BROKER_WEBHOOK_HOST_WHITELIST", ""))
    assert "api.github.com" in whitelist, (
        "`just create-webhook` targets api.github.com; the broker refuses hosts not whitelisted"
    )


def test_the_readme_says_how_to_move_to_it() -> None:
    readme = README.read_text(encoding="utf-8")
    heading = "## When your team outgrows the local broker"
    assert heading in readme, f"README.md has no section {heading!r}"
    section = readme.split(heading, 1)[1].split("\n## ", 1)[0]
    for needed in (
        "broker/official/compose.yaml",
        "PACT_BROKER_BASE_URL",
        "PACT_BROKER_USERNAME",
        "PACT_BROKER_DATABASE_PASSWORD",
        "PACT_BROKER_BASIC_AUTH_PASSWORD",
    ):
        assert needed in section, f"README.md, {heading!r}: does not mention {needed}"
