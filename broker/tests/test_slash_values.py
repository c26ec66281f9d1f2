"""Version numbers, branches, tags, environment names and labels containing ``/`` work everywhere.

The official broker accepts them, and clients send a ``/`` inside a path segment as ``%2F``.
They used to be stored but never found again: uvicorn decodes ``%2F`` before routing, so a
version ``release/1.2`` became two segments no route matched. Here a real broker holds such
values and every route of the URL table that takes one is asked for them over HTTP, written
to (tags, branches, deployments, releases), followed through the links it emits, queried by
the matrix and can-i-deploy, guarded by auth, and driven by the official CLI and the verifier.
Pacticipant names stay refused with ``/`` (``limits.name_problems``), and looking one up is a
404, never a 500.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urljoin

import httpx
import pytest
from pact import Verifier
from pydantic import SecretStr

from local_pact_broker.domain import urls

from .api_seed import pact_document, publish_body
from .broker_fixture_provider import fixture_provider
from .broker_live_server import BrokerServer, start_broker
from .broker_pact_cli import pact_broker
from .test_cli_parity_issue9 import ok, table_rows

CONSUMER, PROVIDER = "web", "api"
OLDER, VERSION = "release/1.1", "release/1.2"
PROVIDER_VERSION, PROVIDER_BRANCH = "build/7", "feat/y"
BRANCH, TAG, ENVIRONMENT, LABEL = "feat/x", "env/prod", "eu/prod", "team/a"
SLASHED = {"number": VERSION, "branch": BRANCH, "tag": TAG, "to": TAG}
SLASHED |= {"environment": ENVIRONMENT, "label": LABEL}
WRITE_TOKEN = "write-token-Sl42"  # noqa: S105 - test credential
READ_TOKEN = "read-token-Sl43"  # noqa: S105 - test credential


def enc(value: str) -> str:
    """A value as one path segment, as clients send it."""
    return quote(value, safe="")


def _answer(response: httpx.Response, *expected: int) -> Any:
    assert response.status_code in expected, (
        f"{response.request.method} {response.request.url}: {response.status_code} "
        f"{response.text[:300]}"
    )
    return response.json() if "json" in response.headers.get("content-type", "") else None


def _seed(client: httpx.Client) -> str:
    """Two consumer versions with ``/`` on branch ``feat/x`` (the newer tagged ``env/prod``),
    a verification by provider version ``build/7`` (branch ``feat/y``), both deployed to
    environment ``eu/prod``, and the consumer labelled ``team/a``; the environment's uuid."""
    for number, description, tags in ((OLDER, "get thing", []), (VERSION, "get other", [TAG])):
        pact = pact_document(CONSUMER, PROVIDER, description)
        body = {**publish_body(CONSUMER, number, pact, branch=BRANCH), "tags": tags}
        _answer(client.post("/contracts/publish", json=body), 200)
    pact = _answer(
        client.get(urls.PACT.path(provider=PROVIDER, consumer=CONSUMER, number=VERSION)), 200
    )
    result = {
        "success": True,
        "providerApplicationVersion": PROVIDER_VERSION,
        "providerVersionBranch": PROVIDER_BRANCH,
        "providerVersionTags": [TAG],
    }
    _answer(
        client.post(pact["_links"]["pb:publish-verification-results"]["href"], json=result), 201
    )
    environment = _answer(client.post("/environments", json={"name": ENVIRONMENT}), 201)["uuid"]
    for name, number in ((CONSUMER, VERSION), (PROVIDER, PROVIDER_VERSION)):
        path = urls.RECORD_DEPLOYMENT.path(name=name, number=number, uuid=environment)
        _answer(client.post(path, json={}), 201)
    _answer(client.put(urls.PACTICIPANT_LABEL.path(name=CONSUMER, label=LABEL), json={}), 201)
    return str(environment)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BrokerServer, str]]:
    database = tmp_path_factory.mktemp("slash-values") / "broker.sqlite3"
    with start_broker(database) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        yield server, _seed(client)


def _filled(resource: urls.Resource, environment: str) -> str:
    values = {"provider": PROVIDER, "consumer": CONSUMER, "name": CONSUMER, "uuid": environment}
    values |= SLASHED
    missing = set(resource.parameters) - set(values)
    assert not missing, f"{resource}: give this test a value for {sorted(missing)}"
    return resource.path(**{name: values[name] for name in resource.parameters})


# Resources whose answer is about the value without naming it: what shows it found the value.
SHOWS_INSTEAD = {
    urls.PROVIDER_STATES_FOR_BRANCH: "a thing exists",  # the state of the pacts on feat/x
    urls.PROVIDER_STATES_FOR_ENVIRONMENT: "a thing exists",  # ... of the version in eu/prod
    urls.PACT_PREVIOUS_DISTINCT: enc(OLDER),  # the pact of release/1.1, linked
    urls.PACT_DIFF_PREVIOUS_DISTINCT: '-      "description": "get thing"',  # ... diffed
}


def test_every_route_taking_a_slashed_value_answers_it(seeded: tuple[BrokerServer, str]) -> None:
    server, environment = seeded
    resources = [r for r in urls.RESOURCES if r.served and set(r.parameters) & set(SLASHED)]
    assert len(resources) >= 25, f"the URL table was not read: {resources}"
    failures = []
    with httpx.Client(base_url=server.url, timeout=10) as client:
        for resource in resources:
            path = _filled(resource, environment)
            assert "%2F" in path, path
            response = client.get(path)
            if response.status_code == 405:  # POST-only (recording a deployment or release)
                allow = response.headers.get("allow", "")
                if "POST" not in allow:
                    failures.append(f"{path}: 405 whose Allow {allow!r} lacks POST")
                continue
            text = response.text
            shown = SHOWS_INSTEAD.get(resource)
            named = any(v in text or enc(v) in text for v in SLASHED.values())
            if (
                response.status_code != 200
                or "not found" in text
                or not (shown in text if shown else named)
            ):
                failures.append(
                    f"{path} ({resource.template}): {response.status_code} {text[:160]}"
                )
    assert failures == [], "routes that do not answer a value with '/':\n" + "\n".join(failures)


def test_a_pacticipant_name_with_a_slash_is_refused_and_looked_up_as_404(
    seeded: tuple[BrokerServer, str],
) -> None:
    server, _ = seeded
    with httpx.Client(base_url=server.url, timeout=10) as client:
        body = publish_body("a/b", "1", pact_document("a/b", PROVIDER))
        refused = _answer(client.post("/contracts/publish", json=body), 400)
        for path in ("/pacticipants/a%2Fb", "/pacticipants/a%2Fb/versions/release%2F1.2"):
            _answer(client.get(path), 404)
    assert "cannot contain '/'" in str(refused), refused


def test_links_to_slashed_values_are_encoded_and_lead_to_them(
    seeded: tuple[BrokerServer, str],
) -> None:
    """Every link of the version ``release/1.2`` that carries it answers: GET 200, or 405
    allowing POST for the ``pb:record-*`` links (a templated ``{tag}`` filled in with its tag)."""
    server, _ = seeded
    with httpx.Client(base_url=server.url, timeout=10) as client:
        version = _answer(client.get(urls.VERSION.path(name=CONSUMER, number=VERSION)), 200)
        links = [
            (rel, link["href"].replace("{tag}", enc(TAG)))
            for rel, value in version["_links"].items()
            for link in (value if isinstance(value, list) else [value])
            if enc(VERSION) in link.get("href", "")
        ]
        answers = {}
        for rel, href in links:
            response = client.get(href)
            posted = rel.startswith("pb:record-") and "POST" in response.headers.get("allow", "")
            answers[f"{rel} {href}"] = 200 if posted else response.status_code

    assert version["number"] == VERSION
    assert version["_links"]["self"]["href"].endswith(f"/versions/{enc(VERSION)}"), version
    assert len(answers) >= 5, version["_links"]
    assert set(answers.values()) == {200}, answers


def test_tags_branches_deployments_and_releases_of_a_slashed_version(broker: BrokerServer) -> None:
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        environment = _seed(client)
        version = urls.VERSION.path(name=CONSUMER, number=VERSION)
        for tag in ("qa/eu", "50%/off"):
            tag_path = urls.TAG.path(name=CONSUMER, number=VERSION, tag=tag)
            assert _answer(client.put(tag_path, json={}), 201)["name"] == tag
            tags = _answer(client.get(version), 200)["_embedded"]["tags"]
            assert tag in [t["name"] for t in tags], tags
            assert _answer(client.get(tag_path), 200)["name"] == tag
            assert client.delete(tag_path).status_code == 204
            _answer(client.get(tag_path), 404)
            _answer(client.delete(tag_path), 404)
        branch_version = urls.BRANCH_VERSION.path(name=CONSUMER, branch="hotfix/1", number=VERSION)
        _answer(client.put(branch_version, json={}), 201)
        _answer(client.put(branch_version, json={}), 200)
        release = urls.RECORD_RELEASE.path(name=CONSUMER, number=VERSION, uuid=environment)
        _answer(client.post(release, json={}), 201)
        deployed = _answer(client.get(urls.CURRENTLY_DEPLOYED.path(uuid=environment)), 200)
        supported = _answer(client.get(urls.CURRENTLY_SUPPORTED.path(uuid=environment)), 200)
        deployment = next(
            d
            for d in deployed["_embedded"]["deployedVersions"]
            if d["_embedded"]["pacticipant"]["name"] == CONSUMER
        )
        followed = _answer(
            client.get(deployment["_embedded"]["version"]["_links"]["self"]["href"]), 200
        )
        branches = _answer(client.get(urls.BRANCHES.path(name=CONSUMER)), 200)
        head = client.head(version)
        not_allowed = client.delete(version)

    assert deployment["_embedded"]["version"]["number"] == VERSION, deployment
    assert followed["number"] == VERSION
    assert [
        r["_embedded"]["version"]["number"] for r in supported["_embedded"]["releasedVersions"]
    ] == [VERSION]
    assert [b["name"] for b in branches["_embedded"]["branches"]] == ["hotfix/1", BRANCH]
    assert head.status_code == 200, head
    assert head.content == b""
    assert not_allowed.status_code == 405, not_allowed.text
    assert "GET" in not_allowed.headers["allow"], not_allowed.headers
    assert "DELETE" not in not_allowed.headers["allow"], not_allowed.headers


def test_matrix_and_can_i_deploy_for_slashed_versions(seeded: tuple[BrokerServer, str]) -> None:
    server, _ = seeded
    query = urlencode(
        [
            ("q[][pacticipant]", CONSUMER),
            ("q[][version]", VERSION),
            ("q[][pacticipant]", PROVIDER),
            ("q[][version]", PROVIDER_VERSION),
            ("latestby", "cvpv"),
        ]
    )  # in this order: httpx's ``params`` would group the repeated keys
    with httpx.Client(base_url=server.url, timeout=10) as client:
        matrix = _answer(client.get(f"/matrix?{query}"), 200)
        verdict = _answer(
            client.get(
                "/can-i-deploy",
                params={"pacticipant": CONSUMER, "version": VERSION, "environment": ENVIRONMENT},
            ),
            200,
        )
        row = matrix["matrix"][0]
        followed = [
            _answer(client.get(urljoin(server.url, side["_links"]["self"]["href"])), 200)["number"]
            for side in (row["consumer"]["version"], row["provider"]["version"])
        ]

    assert len(matrix["matrix"]) == 1, matrix
    assert row["consumer"]["version"]["number"] == VERSION, row
    assert row["provider"]["version"]["number"] == PROVIDER_VERSION, row
    assert row["verificationResult"]["success"] is True, row
    assert followed == [VERSION, PROVIDER_VERSION]
    assert verdict["summary"]["deployable"] is True, verdict


def test_auth_rules_read_and_write_slashed_paths(tmp_path: Path) -> None:
    settings: dict[str, Any] = {
        "bearer_token": SecretStr(WRITE_TOKEN),
        "read_only_bearer_token": SecretStr(READ_TOKEN),
    }
    write = {"Authorization": f"Bearer {WRITE_TOKEN}"}
    read = {"Authorization": f"Bearer {READ_TOKEN}"}
    tag = urls.TAG.path(name=CONSUMER, number=VERSION, tag="qa/eu")
    with (
        start_broker(tmp_path / "broker.sqlite3", **settings) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        body = publish_body(CONSUMER, VERSION, pact_document(CONSUMER, PROVIDER), branch=BRANCH)
        _answer(client.post("/contracts/publish", json=body, headers=write), 200)
        anonymous = client.get(urls.VERSION.path(name=CONSUMER, number=VERSION))
        reading = client.get(urls.VERSION.path(name=CONSUMER, number=VERSION), headers=read)
        refused = client.put(tag, json={}, headers=read)
        written = client.put(tag, json={}, headers=write)
        tagged = client.get(tag, headers=read)

    assert anonymous.status_code == 401, anonymous.text
    assert reading.status_code == 200, reading.text
    assert reading.json()["number"] == VERSION
    assert refused.status_code == 403, refused.text
    assert written.status_code == 201, written.text
    assert tagged.status_code == 200, tagged.text


def test_official_cli_describes_tags_deploys_and_checks_a_slashed_version(
    broker: BrokerServer,
) -> None:
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        _seed(client)
    described = ok(
        pact_broker(broker, "describe-version", "--pacticipant", CONSUMER, "--version", VERSION)
    )
    tagged = ok(
        pact_broker(
            broker, "create-version-tag", "--pacticipant", CONSUMER, "--version", VERSION,
            "--tag", "qa/eu",
        )
    )  # fmt: skip
    deployed = ok(
        pact_broker(
            broker, "record-deployment", "--pacticipant", PROVIDER, "--version", PROVIDER_VERSION,
            "--environment", ENVIRONMENT, "--application-instance", "blue",
        )
    )  # fmt: skip
    verdict = pact_broker(
        broker, "can-i-deploy", "--pacticipant", CONSUMER, "--version", VERSION,
        "--to-environment", ENVIRONMENT,
    )  # fmt: skip
    tag = broker.get(urls.TAG.path(name=CONSUMER, number="release/1.2", tag="qa/eu"))
    environment = broker.get("/environments")["_embedded"]["environments"][0]["uuid"]
    instances = [
        (d["_embedded"]["version"]["number"], d.get("applicationInstance"))
        for d in broker.get(urls.CURRENTLY_DEPLOYED.path(uuid=environment))["_embedded"][
            "deployedVersions"
        ]
    ]

    assert any(VERSION in row and TAG in row for row in table_rows(described.stdout)), described
    assert f"Tagging version '{VERSION}' of pacticipant '{CONSUMER}' with tag 'qa/eu'" in (
        tagged.stdout
    ), tagged.stdout
    assert tag["name"] == "qa/eu"
    assert f"Recorded deployment of {PROVIDER} version {PROVIDER_VERSION}" in deployed.stdout
    assert (PROVIDER_VERSION, "blue") in instances, instances
    assert verdict.returncode == 0, verdict.stdout + verdict.stderr
    assert "Computer says yes" in verdict.stdout, verdict.stdout


def _no_state_needed(state: str, action: str, parameters: dict[str, Any] | None = None) -> None:
    """The fixture provider always has thing 1."""


def test_verifier_publishes_a_slashed_provider_version_on_a_slashed_branch(
    broker: BrokerServer,
) -> None:
    fixtures = Path(__file__).parent / "fixtures"
    ok(
        pact_broker(
            broker, "publish", str(fixtures), "--consumer-app-version", VERSION,
            "--branch", BRANCH,
        )
    )  # fmt: skip
    with fixture_provider() as provider_url:
        (
            Verifier("Bar", host="127.0.0.1")
            .add_transport(url=provider_url)
            .state_handler(_no_state_needed, teardown=True)
            .broker_source(broker.url, selector=True)
            .consumer_version(branch=BRANCH)
            .provider_branch(PROVIDER_BRANCH)
            .build()
            .set_publish_options(version=PROVIDER_VERSION, branch=PROVIDER_BRANCH)
            .verify()
        )

    version = broker.get(urls.VERSION.path(name="Bar", number=PROVIDER_VERSION))
    on_branch = broker.get(
        urls.BRANCH_VERSION.path(name="Bar", branch=PROVIDER_BRANCH, number=PROVIDER_VERSION)
    )
    latest = broker.get(
        urls.LATEST_CONSUMER_VERSION_VERIFICATION_RESULTS.path(consumer="Foo", number=VERSION)
    )
    assert [b["name"] for b in version["_embedded"]["branchVersions"]] == [PROVIDER_BRANCH]
    assert on_branch["_links"]["pb:version"]["name"] == PROVIDER_VERSION, on_branch
    assert latest["success"] is True, latest
