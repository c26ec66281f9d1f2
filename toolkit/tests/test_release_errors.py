"""Every release verb's failure is one `error:` line with the fix, against a real local broker.

No line carries the official CLI's ❌ (it printed `❌ ❌ Environment staging does not exist`),
an unknown name lists the names there are, and no secret is ever printed.
"""

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_first.release.cli_output import problems
from local_pact_broker.background import running_broker

from .release_project import CROSS, ReleaseProject, write_release_project
from .sample_project import CONSUMER, PROVIDER

# Configured, but never published: the broker has not heard of them.
UNPUBLISHED = """
[tool.contract-first.pacticipants.things-admin]
role = "consumer"

[tool.contract-first.pacticipants.gadgets]
role = "provider"
"""
USER, PASSWORD = "release-bot", "right-password-2c1f"  # test credentials
WRONG_PASSWORD = "wrong-password-7d3e"  # noqa: S105 - a test value that must never be echoed
DISPATCH_TOKEN = "ghp_test_dispatch_token_5a9b"  # noqa: S105 - a test value, never echoed
HOOK = "http://127.0.0.1:9/dispatches"
EVERY_VERB = [
    ("publish",),
    ("can-i-deploy", CONSUMER, "production"),
    ("record-deployment", CONSUMER, "production"),
    ("create-environment", "staging"),
    ("create-webhook", "--provider", PROVIDER),
]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, sample_pact: Path) -> Iterator[ReleaseProject]:
    """A broker with the production environment and things-web web-1's pact for things."""
    folder = tmp_path_factory.mktemp("seeded")
    project = write_release_project(folder / "shop", sample_pact, UNPUBLISHED)
    with running_broker(folder / "broker.sqlite3", folder / "broker.log") as url:
        project = ReleaseProject(project.root, int(url.rsplit(":", 1)[1]))
        for step in (("publish",), ("create-environment", "production", "--production")):
            done = project.run(*step, env={"PACT_BROKER_BASE_URL": url})
            assert done.exit_code == 0, done.said
        yield project


def on(project: ReleaseProject, **env: str) -> dict[str, str]:
    return {"PACT_BROKER_BASE_URL": project.local_url, **env}


@pytest.mark.parametrize("verb", ["can-i-deploy", "record-deployment"])
def test_an_unknown_environment_says_how_to_create_it(seeded: ReleaseProject, verb: str) -> None:
    outcome = seeded.run(verb, CONSUMER, "staging", env=on(seeded))

    assert outcome.exit_code == 2
    assert outcome.one_error_line() == (
        f"error: environment 'staging' does not exist on the Pact Broker at {seeded.local_url} "
        "(it has production): create it with `contract-first create-environment staging`"
    )


@pytest.mark.parametrize(
    ("arguments", "unknown"),
    [(("record-deployment", "thing-web", "production"), "thing-web")],
)
def test_a_name_the_configuration_lacks_lists_the_known_ones(
    seeded: ReleaseProject, arguments: tuple[str, ...], unknown: str
) -> None:
    outcome = seeded.run(*arguments, env=on(seeded, PACT_WEBHOOK_URL=HOOK))

    assert outcome.exit_code == 2
    assert outcome.one_error_line() == (
        f"error: unknown pacticipant {unknown!r}: known pacticipants are things (provider), "
        "things-web (consumer), things-admin (consumer), gadgets (provider)"
    )


@pytest.mark.parametrize(
    ("arguments", "fix"),
    [
        (
            ("can-i-deploy", "things-admin", "production"),
            "things-admin is not on the Pact Broker at {url} (pacticipants there: things, "
            "things-web): publish its pacts first (`contract-first publish`)",
        ),
        (
            ("record-deployment", "things-admin", "production"),
            "things-admin is not on the Pact Broker at {url} (pacticipants there: things, "
            "things-web): publish its pacts first (`contract-first publish`)",
        ),
        (
            ("create-webhook", "--provider", "gadgets"),
            "gadgets is not on the Pact Broker at {url} (pacticipants there: things, "
            "things-web): publish a pact that names it first (`contract-first publish` in a "
            "consumer)",
        ),
    ],
)
def test_a_pacticipant_the_broker_lacks_lists_those_it_has(
    seeded: ReleaseProject, arguments: tuple[str, ...], fix: str
) -> None:
    outcome = seeded.run(*arguments, env=on(seeded, PACT_WEBHOOK_URL=HOOK))

    assert outcome.exit_code == 2
    assert outcome.one_error_line() == "error: " + fix.format(url=seeded.local_url)


@pytest.mark.parametrize(
    ("arguments", "fix"),
    [
        (
            ("can-i-deploy", CONSUMER, "production", "--version", "web-9"),
            "things-web version web-9 is not on the Pact Broker at {url}: publish its pacts "
            "from this commit (`contract-first publish`), or pass --version web-1 (its latest)",
        ),
        (
            ("record-deployment", PROVIDER, "production"),
            "things version things-1 is not on the Pact Broker at {url}: verify it from this "
            "commit with results published (`CI=true contract-first verify`)",
        ),
    ],
)
def test_an_unknown_version_says_how_to_publish_it(
    seeded: ReleaseProject, arguments: tuple[str, ...], fix: str
) -> None:
    outcome = seeded.run(*arguments, env=on(seeded))

    assert outcome.exit_code == 2
    assert outcome.one_error_line() == "error: " + fix.format(url=seeded.local_url)


def test_a_no_is_the_rows_and_one_line_with_the_next_step(seeded: ReleaseProject) -> None:
    outcome = seeded.run("can-i-deploy", CONSUMER, "production", env=on(seeded))

    assert outcome.exit_code == 1, outcome.said
    assert outcome.stdout.splitlines()[0] == ("  things-web web-1 -> things: not verified yet")
    assert outcome.one_error_line() == (
        "error: no: things-web web-1 may not be deployed to production: There is no verified "
        "pact between version web-1 of things-web and a version of things currently in "
        "production (no version is currently recorded as deployed/released in this "
        "environment); deploy things to production first and record it "
        "(`contract-first record-deployment things production`)"
    )


def test_what_only_the_broker_refuses_is_one_line_too(seeded: ReleaseProject) -> None:
    bad_name = seeded.run("create-environment", "two words", env=on(seeded))

    assert bad_name.exit_code == 2
    assert bad_name.one_error_line() == (
        "error: could not create the environment 'two words': name: cannot contain spaces"
    )

    changed = seeded.pacts / f"{CONSUMER}-{PROVIDER}.json"
    document = json.loads(changed.read_text(encoding="utf-8"))
    document["interactions"][0]["description"] = "a request for thing 1, reworded"
    changed.write_text(json.dumps(document), encoding="utf-8")
    try:
        republished = seeded.run("publish", env=on(seeded))
    finally:
        document["interactions"][0]["description"] = "a request for thing 1"
        changed.write_text(json.dumps(document), encoding="utf-8")

    assert republished.exit_code == 2
    assert republished.one_error_line() == (
        "error: could not publish the pacts: things-web version web-1 already has a different "
        f"pact with things on the Pact Broker at {seeded.local_url}, and a published pact never "
        "changes: commit your change and publish again (each commit is a version); if nothing "
        "changed, the pact differs from run to run: give every matcher an example"
    )


@pytest.fixture(scope="module")
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize("arguments", EVERY_VERB)
def test_a_broker_that_is_down_is_one_line_with_the_fix(
    seeded: ReleaseProject, closed_port: int, arguments: tuple[str, ...]
) -> None:
    url = f"http://127.0.0.1:{closed_port}"

    outcome = seeded.run(*arguments, env={"PACT_BROKER_BASE_URL": url, "PACT_WEBHOOK_URL": HOOK})

    assert outcome.exit_code == 2
    assert outcome.one_error_line() == (
        f"error: cannot reach the Pact Broker at {url} (ConnectError): check that it runs and "
        "that PACT_BROKER_BASE_URL names it; for a local one, run `local-pact-broker up`"
    )


@pytest.fixture(scope="module")
def protected_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A broker that needs basic auth, as the official image's variables configure it."""
    folder = tmp_path_factory.mktemp("protected")
    settings = {
        "PACT_BROKER_BASIC_AUTH_USERNAME": USER,
        "PACT_BROKER_BASIC_AUTH_PASSWORD": PASSWORD,
    }
    with running_broker(folder / "broker.sqlite3", folder / "broker.log", settings) as url:
        yield url


@pytest.mark.parametrize("arguments", EVERY_VERB)
def test_refused_credentials_are_one_line_and_never_printed(
    seeded: ReleaseProject, protected_url: str, arguments: tuple[str, ...]
) -> None:
    outcome = seeded.run(
        *arguments,
        env={
            "PACT_BROKER_BASE_URL": protected_url,
            "PACT_BROKER_USERNAME": USER,
            "PACT_BROKER_PASSWORD": WRONG_PASSWORD,
            "PACT_WEBHOOK_URL": HOOK,
            "GITHUB_DISPATCH_TOKEN": DISPATCH_TOKEN,
        },
    )

    assert outcome.exit_code == 2
    assert outcome.one_error_line() == (
        f"error: the Pact Broker at {protected_url} refused the credentials (401): check "
        "PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/PACT_BROKER_PASSWORD"
    )
    for secret in (WRONG_PASSWORD, DISPATCH_TOKEN):
        assert secret not in outcome.stdout + outcome.stderr, f"{secret} was printed"


def test_the_official_clis_doubled_mark_becomes_one_problem() -> None:
    said = (
        f"{CROSS} Environment staging does not exist\n"
        f"{CROSS} {CROSS} Environment staging does not exist\n"
    )

    assert problems(said) == ["Environment staging does not exist"]
