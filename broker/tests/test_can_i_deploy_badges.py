"""The can-i-deploy badges: an SVG with the verdict, or a grey badge naming what is unknown.

A real broker over HTTP. ``web-shop`` 1 (branch ``main``, tag ``prod``) is verified by
``stock-api`` 1, which is tagged ``prod`` and deployed to ``production``; ``web-shop`` 2 on
branch ``feat/x`` changed its pact and nobody verified it.
"""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .api_seed import deploy, pact_document, publish_body, verify
from .broker_live_server import start_broker

CONSUMER, PROVIDER = "web-shop", "stock-api"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    folder: Path = tmp_path_factory.mktemp("badges")
    with (
        start_broker(folder / "broker.sqlite3") as server,
        httpx.Client(base_url=server.url, timeout=10) as http,
    ):
        first = publish_body(CONSUMER, "1", pact_document(CONSUMER, PROVIDER), branch="main")
        first["tags"] = ["prod"]
        assert http.post("/contracts/publish", json=first).status_code == 200
        verify(http, CONSUMER, PROVIDER, "1", success=True)
        tagged = http.put(f"/pacticipants/{PROVIDER}/versions/1/tags/prod", json={})
        assert tagged.status_code in (200, 201), tagged.text
        deploy(http, PROVIDER, "1", "production")
        changed = pact_document(CONSUMER, PROVIDER, "get changed")
        second = publish_body(CONSUMER, "2", changed, branch="feat/x")
        assert http.post("/contracts/publish", json=second).status_code == 200
        yield http


def _badge(client: httpx.Client, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, f"GET {path}: {answer.status_code} {answer.text}"
    assert answer.headers["content-type"].startswith("image/svg+xml"), answer.headers
    assert answer.headers["cache-control"] == "no-cache", answer.headers
    assert answer.text.startswith("<svg "), answer.text
    return answer.text


def _branch_badge(branch: str, environment: str = "production", name: str = CONSUMER) -> str:
    return (
        f"/pacticipants/{name}/branches/{branch}/latest-version/can-i-deploy/to-environment/"
        f"{environment}/badge"
    )


def test_a_verified_version_gets_a_green_badge(client: httpx.Client) -> None:
    by_tag = _badge(
        client, f"/pacticipants/{CONSUMER}/latest-version/prod/can-i-deploy/to/prod/badge"
    )
    by_branch = _badge(client, _branch_badge("main"))
    labelled = _badge(client, _branch_badge("main") + "?label=web%20shop")

    assert "<title>can-i-deploy: prod to prod</title>" in by_tag, by_tag
    assert 'fill="#4c1"' in by_tag, by_tag
    assert "<title>can-i-deploy: main to production</title>" in by_branch, by_branch
    assert 'fill="#4c1"' in by_branch, by_branch
    assert "<title>web shop: main to production</title>" in labelled, labelled


def test_an_unverified_version_gets_a_red_badge(client: httpx.Client) -> None:
    badge = _badge(client, _branch_badge("feat%2Fx"))

    assert "<title>can-i-deploy: feat/x to production</title>" in badge, badge
    assert 'fill="#e05d44"' in badge, badge


@pytest.mark.parametrize(
    ("path", "title"),
    [
        (_branch_badge("main", name="nobody"), "pacticipant: not found"),
        (_branch_badge("gone"), "branch: not found"),
        (_branch_badge("main", environment="moon"), "environment: not found"),
        (
            f"/pacticipants/{CONSUMER}/latest-version/nope/can-i-deploy/to/prod/badge",
            "version: not found",
        ),
    ],
)
def test_what_is_unknown_gets_a_grey_badge_naming_it(
    client: httpx.Client, path: str, title: str
) -> None:
    badge = _badge(client, path)

    assert f"<title>{title}</title>" in badge, badge
    assert 'fill="#9f9f9f"' in badge, badge


def test_names_in_a_badge_are_escaped(client: httpx.Client) -> None:
    badge = _badge(client, _branch_badge("main") + "?label=%3Cscript%3E")

    assert "<script>" not in badge, badge
    assert "&lt;script&gt;" in badge, badge
