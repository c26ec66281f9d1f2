"""Every API link the broker advertises answers: none is a 404 or a 5xx.

A seeded broker (two pact revisions, tags, a branch, a verification, a deployment, a release, a
webhook that was triggered) is crawled from the index, a pact, a pacticipant, a version, a
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

from .api_seed import deploy, pact_document, publish
from .broker_live_server import BrokerServer, start_broker

CONSUMER, PROVIDER = "web-shop", "stock-api"
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
    """A broker holding one of each resource a link can lead to."""
    folder: Path = tmp_path_factory.mktemp("advertised-links")
    with start_broker(folder / "broker.sqlite3") as server, httpx.Client(
        base_url=server.url, timeout=10
    ) as client:
        hook = {
            "events": [{"name": "contract_content_changed"}],
            "request": {"method": "POST", "url": "https://127.0.0.1:9/hooks"},
        }
        created = client.post("/webhooks", json=hook)
        assert created.status_code == 201, created.text
        webhook = created.json()["_links"]["self"]["href"]
        publish(client, CONSUMER, "c1", pact_document(CONSUMER, PROVIDER))
        publish(client, CONSUMER, "c2", pact_document(CONSUMER, PROVIDER, "get other"))
        for pacticipant, version in [(CONSUMER, "c2"), (PROVIDER, "p1")]:
            path = f"/pacticipants/{pacticipant}/versions/{version}/tags/prod"
            tagged = client.put(path, json={})
            assert tagged.status_code in (200, 201), tagged.text
        created = client.post("/environments", json={"name": "production", "production": True})
        assert created.status_code == 201, created.text
        environment = created.json()["uuid"]
        released = client.post(
            f"/pacticipants/{CONSUMER}/versions/c2/released-versions/environment/{environment}",
            json={},
        )
        assert released.status_code == 201, released.text
        pact = client.get(f"/pacts/provider/{PROVIDER}/consumer/{CONSUMER}/latest").json()
        verification = client.post(
            pact["_links"]["pb:publish-verification-results"]["href"],
            json={"success": True, "providerApplicationVersion": "p1"},
        )
        assert verification.status_code == 201, verification.text
        deploy(client, PROVIDER, "p1", "production")
        deployed = client.get(
            f"/environments/{environment}/deployed-versions/currently-deployed"
        ).json()
        deployment = deployed["_embedded"]["deployedVersions"][0]["_links"]["self"]["href"]
        starts = [
            "/",
            f"/pacts/provider/{PROVIDER}/consumer/{CONSUMER}/latest",
            f"/pacticipants/{CONSUMER}",
            f"/pacticipants/{CONSUMER}/versions/c2",
            verification.json()["_links"]["self"]["href"],
            webhook,
            f"/environments/{environment}",
            deployment,
        ]
        sha = pact["_links"]["pb:pact-version"]["href"].rsplit("/", 1)[-1]
        values = {
            "pacticipant": CONSUMER,
            "consumer": CONSUMER,
            "provider": PROVIDER,
            "version": "c2",
            "consumerApplicationVersion": "c2",
            "providerApplicationVersion": "p1",
            "tag": "prod",
            "environmentTag": "prod",
            "branch": "main",
            "environment": "production",
            "label": "backend",
            "uuid": environment,
            "pactVersion": sha,
            "sha": sha,
        }
        yield Seeded(server, starts, values)


def _expand(href: str, values: dict[str, str]) -> str:
    """A templated href filled in with the seeded values; fails naming an unknown variable."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"{href}: no seeded value for the template variable {{{name}}}"
        return quote(values[name], safe="")

    return _VARIABLE.sub(value, href)


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


def _crawl(seeded: Seeded) -> tuple[dict[str, str], dict[str, str]]:
    """(broken link -> status and who advertised it, every API link followed -> advertiser)."""
    base = seeded.server.url
    queue: deque[tuple[str, str]] = deque((start, "the test's start") for start in seeded.starts)
    followed: dict[str, str] = {}
    broken: dict[str, str] = {}
    with httpx.Client(base_url=base, timeout=10) as client:
        while queue:
            path, advertiser = queue.popleft()
            if path in followed:
                continue
            followed[path] = advertiser
            assert len(followed) <= MAX_FETCHES, f"the crawl did not end after {MAX_FETCHES}"
            response = client.get(path, headers=HAL)
            if response.status_code in (400, 404) or response.status_code >= 500:
                broken[path] = f"{response.status_code}, advertised by {advertiser}"
                continue
            if response.status_code != 200 or "json" not in response.headers.get(
                "content-type", ""
            ):
                continue
            for rel, link in _links(response.json()):
                if rel == "curies":
                    continue  # documentation pages: test_doc_links.py
                href = str(link["href"])
                if link.get("templated"):
                    href = _expand(href, seeded.values)
                url = urlsplit(urljoin(base + "/", href))
                if url.netloc != urlsplit(base).netloc:
                    continue
                target = url.path + (f"?{url.query}" if url.query else "")
                queue.append((target, f"{rel} in {path}"))
    return broken, followed


def test_no_advertised_api_link_answers_404_or_5xx(seeded: Seeded) -> None:
    broken, followed = _crawl(seeded)

    assert len(followed) > 60, f"too few links followed: {sorted(followed)}"
    assert not broken, (
        f"{len(broken)} advertised links do not answer (serve them as the official broker "
        "does, or stop advertising them):\n"
        + "\n".join(f"  {link}: {why}" for link, why in sorted(broken.items()))
    )
