"""No documentation or page link the broker emits leads to a 404.

A seeded broker (a pact, its verification, a deployment, a webhook) is crawled from the index,
the pact, the pacticipants and the webhooks, following every plain link in every HAL body and
every ``href`` of the HTML pages. Each relation in a body that carries ``curies`` expands to
its documentation URL, as a HAL browser expands it; a refused webhook's message links to
``/doc/webhooks#whitelist``. Every one of those, and every page link, must answer with a page.

API resources that are advertised but not served (yet) are the URL table's business
(``served=False``); they are followed here only to find more bodies, not asserted.
"""

import html
import re
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from .api_seed import deploy, pact_document, publish, verify
from .broker_live_server import BrokerServer, start_broker

CONSUMER, PROVIDER = "web-shop", "stock-api"
HAL = {"Accept": "application/hal+json"}
BROWSER = {"Accept": "text/html"}
HREF = re.compile(r'href="([^"]+)"')
SEE_DOC = re.compile(r"See (/doc/[^\s#]+)(?:#([\w-]+))?")
MAX_FETCHES = 400


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BrokerServer, str]]:
    """A broker with a verified, deployed pact and a webhook; and a webhook refusal message."""
    folder: Path = tmp_path_factory.mktemp("doc-links")
    with start_broker(folder / "broker.sqlite3") as server:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            publish(client, CONSUMER, "c1", pact_document(CONSUMER, PROVIDER))
            verify(client, CONSUMER, PROVIDER, "p1", success=True)
            deploy(client, PROVIDER, "p1", "production")
            hook = {
                "events": [{"name": "contract_requiring_verification_published"}],
                "request": {"method": "POST", "url": "https://127.0.0.1:9/hooks"},
            }
            created = client.post("/webhooks", json=hook)
            assert created.status_code == 201, created.text
            elsewhere = {**hook, "request": {"method": "POST", "url": "https://ci.example/hooks"}}
            refused = client.post("/webhooks", json=elsewhere)
        assert refused.status_code == 400, refused.text
        [message] = refused.json()["errors"]["request.url"]
        yield server, message


def _same_origin(base: str, href: str) -> str | None:
    """The path and query of ``href`` when it points into the broker, else None."""
    url = urlsplit(urljoin(base + "/", href))
    if url.netloc != urlsplit(base).netloc:
        return None
    return url.path + (f"?{url.query}" if url.query else "")


def _links(body: Any) -> Iterator[dict[str, Any]]:
    """Every ``_links`` object anywhere in a HAL body (embedded resources too)."""
    if isinstance(body, dict):
        if isinstance(body.get("_links"), dict):
            yield body["_links"]
        for value in body.values():
            yield from _links(value)
    elif isinstance(body, list):
        for value in body:
            yield from _links(value)


class _Crawl:
    """Breadth-first over the broker's links; collects doc links and the pages' links."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.queue: deque[tuple[str, dict[str, str]]] = deque()
        self.docs: dict[str, str] = {}  # doc URL -> where it was linked
        self.page_links: dict[str, str] = {}  # link on a page -> the page

    def run(self, client: httpx.Client) -> None:
        seen: set[tuple[str, str]] = set()
        while self.queue:
            path, headers = self.queue.popleft()
            if (path, headers["Accept"]) in seen:
                continue
            seen.add((path, headers["Accept"]))
            assert len(seen) <= MAX_FETCHES, f"the crawl did not end after {MAX_FETCHES} fetches"
            response = client.get(path, headers=headers)
            if response.status_code != 200:
                continue
            if response.headers.get("content-type", "").startswith("text/html"):
                self.page(path, response.text)
            else:
                self.body(path, response.json())

    def page(self, path: str, text: str) -> None:
        for href in map(html.unescape, HREF.findall(text)):
            target = _same_origin(self.base, href)
            if target is not None and target.startswith("/doc/"):
                self.docs.setdefault(target, path)
            elif target is not None:
                self.page_links.setdefault(target, path)
                self.queue.append((target, BROWSER))

    def body(self, path: str, body: Any) -> None:
        for links in _links(body):
            curies = {c["name"]: c["href"] for c in links.get("curies", [])}
            for rel, value in links.items():
                prefix, _, name = rel.partition(":")
                if name and prefix in curies:
                    doc = _same_origin(self.base, curies[prefix].replace("{rel}", name))
                    assert doc is not None, f"{path}: the {prefix} curie leaves the broker"
                    self.docs.setdefault(doc, f"{rel} in {path}")
                for each in value if isinstance(value, list) else [value]:
                    if isinstance(each, dict) and "href" in each and not each.get("templated"):
                        target = _same_origin(self.base, str(each["href"]))
                        if target is not None:
                            self.queue.append((target, HAL))


def _crawl(server: BrokerServer) -> tuple[dict[str, str], dict[str, str]]:
    """(doc URL -> where it was linked, page link -> which page linked it), from a full crawl."""
    pair = f"/pacts/provider/{PROVIDER}/consumer/{CONSUMER}"
    crawl = _Crawl(server.url)
    for path in ["/", f"{pair}/latest", f"/pacticipants/{CONSUMER}", "/webhooks"]:
        crawl.queue.append((path, HAL))
    for path in ["/ui", f"/matrix/provider/{PROVIDER}/consumer/{CONSUMER}"]:
        crawl.queue.append((path, BROWSER))
    with httpx.Client(base_url=server.url, timeout=10) as client:
        crawl.run(client)
    return crawl.docs, crawl.page_links


@pytest.fixture(scope="module")
def crawled(seeded: tuple[BrokerServer, str]) -> tuple[dict[str, str], dict[str, str]]:
    return _crawl(seeded[0])


def test_every_documentation_link_the_broker_emits_is_a_page(
    seeded: tuple[BrokerServer, str], crawled: tuple[dict[str, str], dict[str, str]]
) -> None:
    server, _ = seeded
    docs, _ = crawled

    assert len({urlsplit(doc).path for doc in docs}) > 50, f"too few relations found: {docs}"
    with httpx.Client(base_url=server.url, timeout=10) as client:
        missing = {
            doc: where
            for doc, where in docs.items()
            if (answer := client.get(doc)).status_code != 200
            or not answer.headers["content-type"].startswith("text/html")
            or "<h1>" not in answer.text
        }
    assert not missing, (
        "these documentation links are no page (add the relation to "
        f"local_pact_broker/ui/relation_docs.py): {missing}"
    )


def test_every_link_on_the_pages_leads_somewhere(
    seeded: tuple[BrokerServer, str], crawled: tuple[dict[str, str], dict[str, str]]
) -> None:
    server, _ = seeded
    _, page_links = crawled

    assert page_links, "the pages link nowhere: the crawl found no page"
    with httpx.Client(base_url=server.url, timeout=10) as client:
        broken = {
            link: page
            for link, page in page_links.items()
            if client.get(link, headers=BROWSER).status_code == 404
        }
    assert not broken, f"page links that answer 404 (link: the page it is on): {broken}"


def test_a_webhook_refusal_links_to_a_page_that_explains_the_whitelist(
    seeded: tuple[BrokerServer, str],
) -> None:
    server, message = seeded
    found = SEE_DOC.search(message)
    assert found, f"the refusal names no documentation page: {message!r}"
    page = httpx.get(urljoin(server.url, found[1]), timeout=10)

    assert page.status_code == 200, f"{found[1]} answered {page.status_code}"
    assert found[2], f"the refusal's link names no section: {message!r}"
    assert f'id="{found[2]}"' in page.text, f"{found[0]}: no such anchor on the page"
    for words in (
        "PACT_BROKER_WEBHOOK_HOST_WHITELIST",
        "<code>127.0.0.1 ::1 localhost</code>",  # the list in force, as the message quotes it
        "PACT_BROKER_WEBHOOK_HTTP_TO_LOOPBACK=true just broker-up",
        "PACT_WEBHOOK_URL=http://127.0.0.1:8080/hooks just create-webhook",
    ):
        assert words in page.text, f"{found[1]} does not say {words!r}"


@pytest.mark.parametrize("rel", ["pb:no-such-relation", "nothing", "webhooks-nothing"])
def test_a_relation_the_broker_never_links_is_not_found(
    seeded: tuple[BrokerServer, str], rel: str
) -> None:
    server, _ = seeded
    answer = httpx.get(f"{server.url}/doc/{rel}?context=index", timeout=10)

    assert answer.status_code == 404, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    assert "no relation called" in answer.text
