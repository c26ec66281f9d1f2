"""The dashboard and pact page as a real browser renders them (headless system Chromium)."""

import html
import re
from pathlib import Path

import httpx

from . import headless_chromium
from .api_seed import deploy, pact_document, publish, verify
from .broker_live_server import BrokerServer

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def _text(dom: str, pattern: str) -> str:
    """Visible text of the first element matching ``pattern`` (tags dropped, spaces folded)."""
    found = re.search(pattern, dom, re.DOTALL)
    assert found is not None, f"{pattern!r} not in the rendered DOM:\n{dom[:3000]}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())


def test_browser_sees_integration_verification_and_deployment(broker: BrokerServer) -> None:
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        publish(client, "Foo", "1.0.0", pact_document("Foo", "Bar", "get <b>thing</b>"))
        verify(client, "Foo", "Bar", "b-1", success=True)
        deploy(client, "Bar", "b-1", "production")
        deploy(client, "Foo", "1.0.0", "production")
        publish(client, "Web", "w-7", pact_document("Web", "Bar"))
        verify(client, "Web", "Bar", "b-2", success=False)
        api_index = client.get("/", headers={"Accept": "application/hal+json, application/json"})
    assert api_index.headers["content-type"].startswith("application/hal+json")

    ARTIFACTS.mkdir(exist_ok=True)
    pact_url = f"{broker.url}/ui/pacts/provider/Bar/consumer/Foo/latest"
    runs = [
        headless_chromium.start(broker.url + "/"),
        headless_chromium.start(pact_url),
        headless_chromium.start(broker.url + "/", screenshot=ARTIFACTS / "broker-dashboard.png"),
        headless_chromium.start(pact_url, screenshot=ARTIFACTS / "broker-pact.png"),
    ]
    dashboard, pact_page, *_ = [run.finish() for run in runs]

    foo = _text(dashboard, r'<tr data-integration="Foo→Bar">.*?</tr>')
    assert "Foo → Bar" in foo
    assert "1.0.0 main" in foo
    assert "passed by Bar b-1" in foo
    assert "production → 1.0.0 production → b-1" in foo
    web = _text(dashboard, r'<tr data-integration="Web→Bar">.*?</tr>')
    assert "failed by Bar b-2" in web
    assert "w-7" in web
    production = _text(
        dashboard, r'<section class="card" data-environment="production">.*?</section>'
    )
    assert "Bar b-1 deployed" in production
    assert "Foo 1.0.0 deployed" in production

    assert "Pact between Foo and Bar" in pact_page
    # The description comes from the pact: shown as text, never interpreted as markup.
    assert _text(pact_page, r'<h3 class="description">.*?</h3>') == "get <b>thing</b>"
    assert "<b>thing</b>" not in pact_page
    assert (
        _text(pact_page, r'<div class="line request-line">.*?</div>') == "GET /things/1?full=true"
    )
    assert "a thing exists" in pact_page
    assert _text(pact_page, r'<div class="line status">.*?</div>') == "status 200"
    assert '"name": "Thing"' in html.unescape(pact_page)
    assert '"match": "type"' in html.unescape(pact_page)
    assert "passed by Bar b-1" in _text(
        pact_page, r'<section class="card" id="pact-meta">.*?</section>'
    )
    assert (ARTIFACTS / "broker-dashboard.png").stat().st_size > 10_000


def test_missing_pact_page_is_an_html_404(broker: BrokerServer) -> None:
    response = httpx.get(f"{broker.url}/ui/pacts/provider/Bar/consumer/Nobody/latest", timeout=10)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "No pact from Nobody (latest) for Bar." in response.text
