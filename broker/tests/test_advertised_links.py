"""Every API link the broker advertises answers: none is a 404 or a 5xx.

A seeded broker (two pact revisions, tags, a branch, a verification, a deployment, a release, a
webhook that was triggered, a label; a version number, a branch and a tag containing ``/``) is
crawled from the index, a pact, a pacticipant, a version, a
verification result, a webhook, an environment and a deployment. Every ``href`` in every
``_links`` (embedded resources too) is followed; a templated one is expanded with the seeded
values, as a client fills it in. A link the broker cannot answer is either served as the
official broker serves it or no longer advertised: the failure names each broken link and the
resource that advertised it.
"""

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import httpx
import pytest

from local_pact_broker.domain import urls

from .api_seed import deploy, pact_document, publish
from .broker_live_server import BrokerServer, start_broker

CONSUMER, PROVIDER = "web-shop", "stock-api"
# Values with ``/``: every link to them must carry it as ``%2F`` and lead to them.
VERSION, BRANCH, TAG = "release/2", "feat/x", "env/prod"
HAL = {"Accept": "application/hal+json"}
MAX_FETCHES = 1500
_VARIABLE = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Seeded:
    server: BrokerServer
    starts: list[str]
    values: dict[str, str]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """A broker holding one of each resource a link can lead to.

    Both pacticipants have version ``release/2``, tagged ``env/prod`` and on branch ``feat/x``,
    and the label ``backend``, so a pacticipant's templated links filled in with those values
    name something that exists.
    """
    folder: Path = tmp_path_factory.mktemp("advertised-links")
    with (
        start_broker(folder / "broker.sqlite3") as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        hook = {
            "events": [{"name": "contract_content_changed"}],
            "request": {"method": "POST", "url": "https://127.0.0.1:9/hooks"},
        }
        created = client.post("/webhooks", json=hook)
        assert created.status_code == 201, created.text
        webhook = created.json()["uuid"]
        publish(client, CONSUMER, "1", pact_document(CONSUMER, PROVIDER))
        publish(client, CONSUMER, VERSION, pact_document(CONSUMER, PROVIDER, "get other"))
        version, branch, tag = (quote(value, safe="") for value in (VERSION, BRANCH, TAG))
        for pacticipant in (CONSUMER, PROVIDER):
            for path in (
                f"versions/{version}/tags/{tag}",
                f"branches/{branch}/versions/{version}",
                "labels/backend",
            ):
                answer = client.put(f"/pacticipants/{pacticipant}/{path}", json={})
                assert answer.status_code in (200, 201), answer.text
        created = client.post("/environments", json={"name": "production", "production": True})
        assert created.status_code == 201, created.text
        environment = created.json()["uuid"]
        released = client.post(
            f"/pacticipants/{CONSUMER}/versions/{version}/released-versions/environment/{environment}",
            json={},
        )
        assert released.status_code == 201, released.text
        pact = client.get(f"/pacts/provider/{PROVIDER}/consumer/{CONSUMER}/latest").json()
        verification = client.post(
            pact["_links"]["pb:publish-verification-results"]["href"],
            json={"success": True, "providerApplicationVersion": VERSION},
        )
        assert verification.status_code == 201, verification.text
        first = client.get(f"/pacts/provider/{PROVIDER}/consumer/{CONSUMER}/version/1").json()
        verified = client.post(
            first["_links"]["pb:publish-verification-results"]["href"],
            json={"success": False, "providerApplicationVersion": "1"},
        )
        assert verified.status_code == 201, verified.text
        deploy(client, PROVIDER, version, "production")
        deployed = client.get(
            f"/environments/{environment}/deployed-versions/currently-deployed"
        ).json()
        deployment = deployed["_embedded"]["deployedVersions"][0]["_links"]["self"]["href"]
        starts = [
            "/",
            f"/pacts/provider/{PROVIDER}/consumer/{CONSUMER}/latest",
            f"/pacticipants/{CONSUMER}",
            f"/pacticipants/{CONSUMER}/versions/{version}",
            verification.json()["_links"]["self"]["href"],
            f"/webhooks/{webhook}",
            f"/environments/{environment}",
            deployment,
        ]
        sha = pact["_links"]["pb:pact-version"]["href"].rsplit("/", 1)[-1]
        values = {
            "pacticipant": CONSUMER,
            "consumer": CONSUMER,
            "provider": PROVIDER,
            "version": VERSION,
            "consumerApplicationVersion": VERSION,
            "tag": TAG,
            "environmentTag": TAG,
            "branch": BRANCH,
            "environment": "production",
            "label": "backend",
            "uuid": environment,
            "webhook": webhook,
            "pactVersion": sha,
        }
        yield Seeded(server, starts, values)


def _expand(href: str, values: dict[str, str]) -> str:
    """A templated href filled in with the seeded values; fails naming an unknown variable.

    ``{uuid}`` is the webhook's below ``/webhooks/``, the environment's elsewhere.
    """
    webhook = "/webhooks/" in href

    def value(match: re.Match[str]) -> str:
        name = "webhook" if webhook and match.group(1) == "uuid" else match.group(1)
        assert name in values, f"{href}: no seeded value for the template variable {{{name}}}"
        return quote(values[name], safe="")

    return _VARIABLE.sub(value, href)


def _allowed_404(rel: str, link: dict[str, Any], target: str) -> bool:
    """A 404 the official broker answers too: nothing is wrong with the link.

    A tag link ("PUT to this resource", "Get, create or delete a tag") filled in with
    ``env/prod`` for a version without that tag names a tag to create: GET finds it only once
    put (version ``release/2`` carries it, so the tag resource itself is checked). The first
    pact content has no previous distinct one to show or diff against.
    """
    title = str(link.get("title", ""))
    if title.startswith("PUT to this resource") or (
        "create or delete a tag" in title and f"/versions/{quote(VERSION, safe='')}/" not in target
    ):
        return True
    first = f"/consumer/{CONSUMER}/version/1/"
    return rel in ("pb:previous-distinct", "pb:diff-previous-distinct") and first in target


def _not_served(path: str) -> urls.Resource | None:
    """The URL table's entry for a path it declares advertised but not served (yet).

    The most literal one when several match (``/branch/versions`` before ``/branch/{branch}``).
    """
    routed = urls.routing_path(urlsplit(path).path)
    matching = [r for r in urls.RESOURCES if not r.served and r.matches(routed)]
    return min(matching, key=lambda r: len(r.parameters), default=None)


def _links(body: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(relation, link) for every link in every ``_links`` of a HAL body (embedded too)."""
    if isinstance(body, dict):
        if isinstance(body.get("_links"), dict):
            for rel, value in body["_links"].items():
                for each in value if isinstance(value, list) else [value]:
                    if isinstance(each, dict) and isinstance(each.get("href"), str):
                        yield rel, each
        for key, value in body.items():
            if key != "_links":
                yield from _links(value)
    elif isinstance(body, list):
        for value in body:
            yield from _links(value)


@dataclass
class Crawl:
    broken: dict[str, str]  # link -> status and who advertised it
    followed: dict[str, str]  # every API link followed -> who advertised it
    not_served: dict[str, str]  # a 404 the URL table declares (served=False) -> its template


def _crawl(seeded: Seeded) -> Crawl:
    """Every link from the starting resources, breadth-first, each fetched once."""
    base = seeded.server.url
    start = {"rel": "start", "link": {}}
    queue: deque[tuple[str, str, dict[str, Any]]] = deque(
        (path, "the test's start", start) for path in seeded.starts
    )
    crawl = Crawl({}, {}, {})
    followed, broken = crawl.followed, crawl.broken
    with httpx.Client(base_url=base, timeout=10) as client:
        while queue:
            path, advertiser, how = queue.popleft()
            if path in followed:
                continue
            followed[path] = advertiser
            assert len(followed) <= MAX_FETCHES, f"the crawl did not end after {MAX_FETCHES}"
            response = client.get(path, headers=HAL)
            status = response.status_code
            if status == 404 and _allowed_404(how["rel"], how["link"], path):
                continue
            if status == 404 and (resource := _not_served(path)) is not None:
                crawl.not_served[path] = resource.template
                continue
            if status in (400, 404) or status >= 500:
                broken[path] = f"{status}, advertised by {advertiser}"
                continue
            if response.status_code != 200 or "json" not in response.headers.get(
                "content-type", ""
            ):
                continue
            for rel, link in _links(response.json()):
                if rel == "curies":
                    continue  # documentation pages: test_doc_links.py
                href = str(link["href"])
                if link.get("templated") or "{" in href:
                    href = _expand(href, seeded.values)
                url = urlsplit(urljoin(base + "/", href))
                if url.netloc != urlsplit(base).netloc:
                    continue
                target = url.path + (f"?{url.query}" if url.query else "")
                queue.append((target, f"{rel} in {path}", {"rel": rel, "link": link}))
    return crawl


@pytest.fixture(scope="module")
def crawled(seeded: Seeded) -> Crawl:
    return _crawl(seeded)


def test_no_advertised_api_link_answers_400_404_or_5xx(crawled: Crawl) -> None:
    assert len(crawled.followed) > 60, f"too few links followed: {sorted(crawled.followed)}"
    for value in (VERSION, BRANCH, TAG):
        encoded = quote(value, safe="")
        assert any(encoded in link for link in crawled.followed), (
            f"no followed link carries {value!r} as {encoded!r}: {sorted(crawled.followed)}"
        )
    assert not crawled.broken, (
        f"{len(crawled.broken)} advertised links do not answer (serve them as the official "
        "broker does, or stop advertising them):\n"
        + "\n".join(f"  {link}: {why}" for link, why in sorted(crawled.broken.items()))
    )


# Advertised as the official broker advertises them, not served yet (the URL table marks them
# ``served=False``; README "Known gaps"). The list can only shrink: serve one, remove it here.
NOT_SERVED_YET: set[str] = set()


def test_only_the_known_unserved_resources_answer_404(crawled: Crawl) -> None:
    found = set(crawled.not_served.values())

    assert found <= NOT_SERVED_YET, (
        f"newly advertised and not served: {sorted(found - NOT_SERVED_YET)} "
        "(serve them, or stop advertising them)"
    )
    assert found == NOT_SERVED_YET, (
        f"no longer advertised or answered 404: {sorted(NOT_SERVED_YET - found)}; "
        "remove them from NOT_SERVED_YET"
    )


def test_the_newly_served_links_answer_what_they_say(seeded: Seeded) -> None:
    pair = f"/pacts/provider/{PROVIDER}/consumer/{CONSUMER}"
    with httpx.Client(base_url=seeded.server.url, headers=HAL, timeout=10) as client:
        metrics = client.get("/metrics").json()
        integrations = client.get("/integrations").json()["_embedded"]["integrations"]
        version = quote(VERSION, safe="")
        previous = client.get(f"{pair}/version/{version}/previous-distinct").json()
        diff = client.get(f"{pair}/version/{version}/diff/previous-distinct")
        latest = client.get(
            f"/verification-results/consumer/{CONSUMER}/version/{version}/latest"
        ).json()
        versions = client.get(f"{pair}/versions").json()["_embedded"]["pacts"]

    assert metrics["pacticipants"] == {"count": 2}, metrics
    assert metrics["pactPublications"] == {"count": 2}, metrics
    assert metrics["verificationResults"] == {"count": 2}, metrics
    assert [
        (i["_embedded"]["consumer"]["name"], i["_embedded"]["provider"]["name"])
        for i in integrations
    ] == [(CONSUMER, PROVIDER)]
    assert previous["_links"]["self"]["href"].endswith(f"{pair}/version/1"), previous["_links"]
    assert diff.headers["content-type"].startswith("text/plain"), diff.headers
    assert '"get thing"' in diff.text, diff.text
    assert '"get other"' in diff.text, diff.text
    assert latest["success"] is True, latest
    assert latest["providerSummary"]["successful"] == [{"name": PROVIDER}], latest
    assert [p["_embedded"]["consumerVersion"]["number"] for p in versions] == [VERSION, "1"]
