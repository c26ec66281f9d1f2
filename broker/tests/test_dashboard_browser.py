"""The pages as a real browser renders them: headless system Chromium over DevTools, at 1280 px.

Seeded as a team's broker really looks: 40-character commit SHAs, long branch names, a long
non-SHA version, names with spaces and unicode, and a pacticipant named like a script.
"""

import html
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from . import headless_chromium
from .api_seed import pact_document, publish, verify
from .broker_live_server import BrokerServer
from .page_seed import commit, deploy_to, publish_on, verify_on

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

CONSUMER = "notification-service"
PROVIDER = "user-service"
SIGNUP = "signup service ü"
EVIL = "<script>window.pwned=1<img src=x onerror=window.pwned=2>"
LONG_BRANCH = "feature/rename-the-email-field-to-contact-address-for-the-new-schema"
LONG_VERSION = "2026.05.01-nightly-build-with-a-very-long-descriptive-suffix-7"


def _seed(client: httpx.Client) -> dict[str, str]:
    """A main line, a pending feature pact, a failing provider branch, deployments."""
    shas = {name: commit(name) for name in ("c-main", "c-feat", "p-main", "p-feat", "s-main")}
    publish_on(client, CONSUMER, shas["c-main"], PROVIDER, "main")
    verify_on(client, CONSUMER, shas["c-main"], PROVIDER, shas["p-main"], "main", success=True)
    publish_on(client, CONSUMER, shas["c-feat"], PROVIDER, LONG_BRANCH, "get user with contact")
    verify_on(client, CONSUMER, shas["c-feat"], PROVIDER, shas["p-main"], "main", success=False)
    verify_on(
        client, CONSUMER, shas["c-main"], PROVIDER, shas["p-feat"], LONG_BRANCH, success=False
    )
    publish_on(client, SIGNUP, shas["s-main"], PROVIDER, "main")
    publish_on(client, EVIL, LONG_VERSION, PROVIDER, "</script><script>window.pwned=3</script>")
    deploy_to(client, PROVIDER, shas["p-main"], "production")
    deploy_to(client, CONSUMER, shas["c-main"], "production")
    return shas


_FACTS = """
(() => {
  const text = (el) => el ? el.textContent.trim().replace(/\\s+/g, " ") : null;
  const rows = [...document.querySelectorAll("tr.pact-row, tr.matrix-line")].map((row) => ({
    integration: row.closest("tbody").dataset.integration || null,
    kind: row.dataset.kind || null,
    branch: row.dataset.branch || null,
    status: row.dataset.status,
    text: text(row),
  }));
  const versions = [...document.querySelectorAll("span.version")].map((v) => ({
    shown: v.textContent, full: v.title,
  }));
  return {
    title: document.title,
    heading: text(document.querySelector("h1")),
    rows,
    versions,
    scripts: document.querySelectorAll("script").length,
    images: document.querySelectorAll("img").length,
    pwned: window.pwned === undefined ? null : window.pwned,
    matrixLinks: [...document.querySelectorAll("a.row-matrix")].map((a) => a.href),
  };
})()
"""


def _assert_fits(page: headless_chromium.Page, what: str) -> None:
    layout = page.evaluate(headless_chromium.OVERFLOW_SCRIPT)
    assert layout["viewport"] == headless_chromium.WIDTH, layout
    assert layout["documentWidth"] <= layout["viewport"], (
        f"{what} is {layout['documentWidth']} px wide, more than the "
        f"{layout['viewport']} px viewport: something does not wrap"
    )
    assert layout["overflowingCells"] == [], (
        f"{what}: these cells' content is wider than the cell: {layout['overflowingCells']}"
    )


def _assert_escaped(facts: dict[str, Any], what: str) -> None:
    assert facts["pwned"] is None, f"{what} ran a script from a name: {facts['pwned']}"
    assert facts["scripts"] == 1, f"{what} has {facts['scripts']} script elements, expected 1"
    assert facts["images"] == 0, f"{what} turned a name into an <img>"


def test_dashboard_and_matrix_fit_1280px_with_real_shas(broker: BrokerServer) -> None:
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        shas = _seed(client)
    ARTIFACTS.mkdir(exist_ok=True)
    matrix_url = (
        f"{broker.url}/matrix/provider/{quote(PROVIDER, safe='')}"
        f"/consumer/{quote(CONSUMER, safe='')}"
    )
    with headless_chromium.browser() as browser:
        with browser.page(broker.url + "/") as page:
            _assert_fits(page, "the dashboard")
            dashboard = page.evaluate(_FACTS)
            page.screenshot(ARTIFACTS / "broker-dashboard.png")
        with browser.page(matrix_url) as page:
            _assert_fits(page, "the matrix page")
            matrix = page.evaluate(_FACTS)
            page.screenshot(ARTIFACTS / "broker-matrix.png")
        evil_matrix = dashboard["matrixLinks"][0]
        with browser.page(evil_matrix) as page:
            _assert_fits(page, "the matrix page of a script-named consumer")
            evil = page.evaluate(_FACTS)

    _assert_escaped(dashboard, "the dashboard")
    _assert_escaped(matrix, "the matrix page")
    _assert_escaped(evil, "the matrix page of a script-named consumer")
    assert evil["heading"] == f"Matrix: {EVIL} → {PROVIDER}"

    # Every version is shown short, with the full number on hover.
    for version in dashboard["versions"] + matrix["versions"]:
        assert len(version["shown"]) <= 50, version
        if re.fullmatch(r"[0-9a-f]{40}", version["full"]):
            assert version["shown"] == version["full"][:7], version
    assert {"shown": shas["c-main"][:7], "full": shas["c-main"]} in dashboard["versions"]
    long_shown = LONG_VERSION[:39] + "…" + LONG_VERSION[-10:]  # very long: cut, as officially
    assert {"shown": long_shown, "full": LONG_VERSION} in dashboard["versions"]

    main_row, feature_row = [
        r for r in dashboard["rows"] if r["integration"] == f"{CONSUMER}→{PROVIDER}"
    ]
    assert (main_row["kind"], main_row["status"]) == ("main", "passed")
    # Main's success stays visible beside the provider feature branch's newer failure.
    assert re.search(rf"passed by {shas['p-main'][:7]} copy main production", main_row["text"])
    assert re.search(rf"failed by {shas['p-feat'][:7]} copy feature/rename…", main_row["text"])
    assert (feature_row["kind"], feature_row["status"]) == ("branch", "pending")
    assert "did not fail the build" in feature_row["text"]

    assert [(r["status"], r["text"][:7]) for r in matrix["rows"]] == [
        ("pending", shas["c-feat"][:7]),
        ("failed", shas["c-main"][:7]),
        ("passed", shas["c-main"][:7]),
    ]
    assert matrix["heading"] == f"Matrix: {CONSUMER} → {PROVIDER}"
    assert (ARTIFACTS / "broker-dashboard.png").stat().st_size > 10_000


def test_copy_button_copies_the_full_sha(broker: BrokerServer) -> None:
    sha = commit("copy me")
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        publish_on(client, CONSUMER, sha, PROVIDER, "main")
    with headless_chromium.browser() as browser:
        browser.send(
            "Browser.grantPermissions",
            origin=broker.url,
            permissions=["clipboardReadWrite", "clipboardSanitizedWrite"],
        )
        with browser.page(broker.url + "/ui") as page:
            browser.send("Emulation.setFocusEmulationEnabled", page.session, enabled=True)
            copied = page.evaluate(
                """(async () => {
                  const button = document.querySelector("td.consumer-version button.copy");
                  button.click();
                  for (let i = 0; i < 50 && !button.classList.contains("copied"); i++) {
                    await new Promise((resolve) => setTimeout(resolve, 20));
                  }
                  return {
                    shown: document.querySelector("td.consumer-version span.version").textContent,
                    marked: button.classList.contains("copied"),
                    clipboard: await navigator.clipboard.readText(),
                  };
                })()"""
            )
    assert copied == {"shown": sha[:7], "marked": True, "clipboard": sha}


def _text(dom: str, pattern: str) -> str:
    """Visible text of the first element matching ``pattern`` (tags dropped, spaces folded)."""
    found = re.search(pattern, dom, re.DOTALL)
    assert found is not None, f"{pattern!r} not in the rendered DOM:\n{dom[:3000]}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())


def test_pact_page_reads_the_pact_and_escapes_it(broker: BrokerServer) -> None:
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        publish(client, "Foo", "1.0.0", pact_document("Foo", "Bar", "get <b>thing</b>"))
        verify(client, "Foo", "Bar", "b-1", success=True)
        api_index = client.get("/", headers={"Accept": "application/hal+json, application/json"})
    assert api_index.headers["content-type"].startswith("application/hal+json")

    ARTIFACTS.mkdir(exist_ok=True)
    with (
        headless_chromium.browser() as browser,
        browser.page(f"{broker.url}/ui/pacts/provider/Bar/consumer/Foo/latest") as page,
    ):
        _assert_fits(page, "the pact page")
        pact_page = page.dom()
        page.screenshot(ARTIFACTS / "broker-pact.png")

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
    assert re.search(
        r"passed by Bar b-1 copy (less than a minute|\d+ minutes?) ago",
        _text(pact_page, r'<section class="card" id="pact-meta">.*?</section>'),
    )


def test_missing_pact_page_is_an_html_404(broker: BrokerServer) -> None:
    response = httpx.get(f"{broker.url}/ui/pacts/provider/Bar/consumer/Nobody/latest", timeout=10)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "No pact from Nobody (latest) for Bar." in response.text
    assert "<code>just publish</code>" in response.text
