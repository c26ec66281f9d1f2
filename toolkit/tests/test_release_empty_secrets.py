"""An empty credential variable counts as unset, as GitHub Actions needs it to.

The workflows pass all three credential secrets; GitHub sets the ones a repository lacks to
"". The official CLI took `PACT_BROKER_TOKEN=""` for a bearer token and was refused (401)
by a broker that wanted basic auth. Here each verb runs against a real broker that demands
one kind of credential, with the other kind's variables set empty: can-i-deploy saying yes
proves that verify published its result with those credentials too.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from local_pact_broker.background import running_broker

from .release_project import ReleaseProject
from .sample_project import CONSUMER, PROVIDER

USER, PASSWORD = "release-bot", "basic-password-91ac"  # test credentials
TOKEN = "bearer-token-4f0e"  # noqa: S105 - a test credential
BROKER_SETTINGS = {
    "basic": {
        "PACT_BROKER_BASIC_AUTH_USERNAME": USER,
        "PACT_BROKER_BASIC_AUTH_PASSWORD": PASSWORD,
    },
    "bearer": {"PACT_BROKER_BEARER_TOKEN": TOKEN},
}
# What the workflows' `${{ secrets.X }}` give the verbs when only one kind of secret exists.
CLIENT_VARIABLES = {
    "basic": {
        "PACT_BROKER_TOKEN": "",
        "PACT_BROKER_USERNAME": USER,
        "PACT_BROKER_PASSWORD": PASSWORD,
    },
    "bearer": {
        "PACT_BROKER_TOKEN": TOKEN,
        "PACT_BROKER_USERNAME": "",
        "PACT_BROKER_PASSWORD": "",
    },
}
PIPELINE: list[tuple[tuple[str, ...], dict[str, str]]] = [
    (("publish",), {}),
    (("create-environment", "production", "--production"), {}),
    (("verify",), {"CI": "true"}),
    (("record-deployment", PROVIDER, "production"), {}),
    (("can-i-deploy", CONSUMER, "production"), {}),
    (("record-deployment", CONSUMER, "production"), {}),
]


@pytest.fixture(params=["basic", "bearer"])
def auth(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


@pytest.fixture
def protected_url(tmp_path: Path, auth: str) -> Iterator[str]:
    """A fresh local broker that accepts only the credential kind ``auth``."""
    with running_broker(
        tmp_path / "broker.sqlite3", tmp_path / "broker.log", BROKER_SETTINGS[auth]
    ) as url:
        yield url


def test_every_verb_ignores_the_empty_credential_variables(
    release_project: ReleaseProject, protected_url: str, auth: str
) -> None:
    variables = {"PACT_BROKER_BASE_URL": protected_url, **CLIENT_VARIABLES[auth]}
    # Basic auth beside an empty token was the failure; the converse costs one verb to check.
    for step, extra in PIPELINE if auth == "basic" else PIPELINE[:1]:
        outcome = release_project.run(*step, env={**variables, **extra})

        assert outcome.exit_code == 0, (
            f"`contract-first {' '.join(step)}` with {auth} credentials and the other kind's "
            f"variables set empty (as GitHub Actions sets missing secrets) failed:\n{outcome.said}"
        )
        for secret in (PASSWORD, TOKEN):
            assert secret not in outcome.stdout + outcome.stderr, f"{secret} was printed"
