"""The dashboard, matrix and pact pages over HTTP from a real broker (uvicorn, SQLite on disk)."""

import html
import re
from datetime import timedelta
from urllib.parse import quote

import httpx
import pytest
from markupsafe import escape

from local_pact_broker.db.storage import Database
from local_pact_broker.ui.html_pages import dashboard_html, matrix_html
from local_pact_broker.ui.relative_time import parse_stored

from .broker_live_server import BrokerServer
from .page_seed import commit, deploy_to, publish_on, verify_on

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
API_ACCEPTS = ["application/hal+json, application/json", "application/json", "*/*", ""]

CONSUMER_MAIN = commit("consumer main")
CONSUMER_FEATURE = commit("consumer feature")
PROVIDER_MAIN = commit("provider main")


def _section(page: str, pattern: str) -> str:
    """The first match of ``pattern`` in the page, for asserting on one part of it."""
    found = re.search(pattern, page, re.DOTALL)
    assert found is not None, f"{pattern!r} not in the page:\n{page[:3000]}"
    return found.group(0)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _seed_main_and_pending_feature(client: httpx.Client) -> None:
    """Main's pact verified by the provider's main; then a feature pact that fails, pending."""
    publish_on(client, "Foo", CONSUMER_MAIN, "Bar", "main")
    verify_on(client, "Foo", CONSUMER_MAIN, "Bar", PROVIDER_MAIN, "main", success=True)
    publish_on(client, "Foo", CONSUMER_FEATURE, "Bar", "feat/new-field", "get thing with email")
    verify_on(client, "Foo", CONSUMER_FEATURE, "Bar", PROVIDER_MAIN, "main", success=False)


def test_dashboard_keeps_main_visible_and_marks_the_pending_failure(broker: BrokerServer) -> None:
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        _seed_main_and_pending_feature(client)
        page = client.get("/", headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    body = page.text

    main_row = _section(body, r'<tr class="pact-row main"[^>]*data-branch="main".*?</tr>')
    assert 'data-status="passed"' in main_row
    assert f'title="{CONSUMER_MAIN}"' in main_row  # the full SHA on hover
    assert f'data-copy="{CONSUMER_MAIN}"' in main_row  # and copyable
    assert f">{CONSUMER_MAIN[:7]}</span>" in main_row  # shown short
    assert f">{CONSUMER_MAIN}<" not in main_row
    assert "Successfully verified by Bar" in main_row

    feature = _section(
        body, r'<tr class="pact-row branch"[^>]*data-branch="feat/new-field".*?</tr>'
    )
    assert 'data-status="pending"' in feature
    assert 'class="badge pending"' in feature
    assert 'class="badge failed"' not in feature
    assert "did not fail the build" in feature
    # The main row comes before the (newer) feature row.
    assert body.index('data-branch="main"') < body.index('data-branch="feat/new-field"')


def test_dashboard_times_are_relative_with_the_utc_instant_on_hover(broker: BrokerServer) -> None:
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        publish_on(client, "Foo", CONSUMER_MAIN, "Bar", "main")
        body = client.get("/ui").text
    published = _section(body, r'<td class="published">.*?</td>')
    found = re.search(
        r'<time datetime="(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)" '
        r'title="(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC)">([^<]+ ago)</time>',
        published,
    )
    assert found is not None, published
    assert found.group(1).replace("T", " ").replace("Z", " UTC") == found.group(2)


def test_rendering_takes_now_so_relative_times_are_deterministic(broker: BrokerServer) -> None:
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        _seed_main_and_pending_feature(client)
    database = Database(broker.database)
    with database.reading() as connection:
        stored = connection.execute(
            "SELECT created_at FROM pact_publications ORDER BY id LIMIT 1"
        ).fetchone()[0]
        later = parse_stored(stored) + timedelta(minutes=3, seconds=10)
        first = dashboard_html(connection, later)
        again = dashboard_html(connection, later)
        matrix = matrix_html(connection, "Bar", "Foo", later + timedelta(days=3))
    assert first == again
    main_row = _section(first, r'<tr class="pact-row main".*?</tr>')
    assert re.search(r"<td class=\"published\"><time [^>]*>3 minutes ago</time>", main_row)
    assert matrix is not None
    assert ">3 days ago</time>" in matrix


def test_empty_broker_says_which_just_verbs_to_run(broker: BrokerServer) -> None:
    body = httpx.get(f"{broker.url}/ui", timeout=10).text
    assert _text(_section(body, r'<div class="empty" id="no-pacts">.*?</div>')) == (
        "No pacts yet. Write them with just pact , then publish them with just publish ."
    )
    assert "<code>just create-environment production --production</code>" in body


def test_hints_for_unverified_pacts_and_missing_deployments(broker: BrokerServer) -> None:
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        publish_on(client, "signup service", commit("s"), "Bar", "main")
        created = client.put("/pacticipants/Bar/versions/b-1", json={})
        assert created.status_code in {200, 201}, created.text
        deploy_to(client, "Bar", "b-1", "staging")
        body = client.get("/ui").text
    row = _section(body, r'<tr class="pact-row main".*?</tr>')
    assert 'data-status="unverified"' in row
    assert "verify with <code>just verify</code>" in row
    head = _section(body, r'<tr class="integration-head">.*?</tr>')
    # The name has a space: the hint quotes it, so it works as pasted.
    assert "<code>just record-deployment &#39;signup service&#39; staging</code>" in head


def test_each_row_links_the_integration_matrix_at_the_official_path(broker: BrokerServer) -> None:
    consumer, provider = "Zürich app", "user service ü"
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        publish_on(client, consumer, commit("z"), provider, "main")
        body = client.get("/ui").text
        expected = (
            f"/matrix/provider/{quote(provider, safe='')}/consumer/{quote(consumer, safe='')}"
        )
        assert expected == "/matrix/provider/user%20service%20%C3%BC/consumer/Z%C3%BCrich%20app"
        row = _section(body, r'<tr class="pact-row main".*?</tr>')
        assert f'<a class="row-matrix" href="{expected}">' in row
        page = client.get(expected, headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["vary"] == "Accept"
    assert f'Matrix: <span class="consumer">{consumer}</span>' in page.text


def test_matrix_page_lists_versions_results_and_environments(broker: BrokerServer) -> None:
    feature_provider = commit("provider feature")
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        _seed_main_and_pending_feature(client)
        verify_on(client, "Foo", CONSUMER_MAIN, "Bar", feature_provider, "feat/x", success=False)
        deploy_to(client, "Bar", PROVIDER_MAIN, "production")
        deploy_to(client, "Foo", CONSUMER_MAIN, "production")
        page = client.get("/matrix/provider/Bar/consumer/Foo", headers=BROWSER)
    assert page.status_code == 200
    lines = re.findall(r'<tr class="matrix-line".*?</tr>', page.text, re.DOTALL)
    summary = [
        (
            re.search(r'data-consumer-version="([^"]*)"', line).group(1),  # type: ignore[union-attr]
            re.search(r'data-provider-version="([^"]*)"', line).group(1),  # type: ignore[union-attr]
            re.search(r'data-status="([^"]*)"', line).group(1),  # type: ignore[union-attr]
        )
        for line in lines
    ]
    assert summary == [
        (CONSUMER_FEATURE, PROVIDER_MAIN, "pending"),
        (CONSUMER_MAIN, feature_provider, "failed"),
        (CONSUMER_MAIN, PROVIDER_MAIN, "passed"),
    ]
    passed = _text(lines[2])
    assert f"{CONSUMER_MAIN[:7]} copy main production" in passed
    assert f"{PROVIDER_MAIN[:7]} copy main production" in passed
    assert re.search(r"passed (less than a minute|\d+ minutes?) ago$", passed), passed
    assert "feat/x" in _text(lines[1])


def test_matrix_page_of_an_unverified_pact_hints_just_verify(broker: BrokerServer) -> None:
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        publish_on(client, "Foo", "1.0.0", "Bar", "main")
        body = client.get("/matrix/provider/Bar/consumer/Foo", headers=BROWSER).text
    line = _text(_section(body, r'<tr class="matrix-line".*?</tr>'))
    assert "no version verified it unverified verify with just verify never" in line
    assert "<code>just can-i-deploy Foo production</code>" in body


@pytest.mark.parametrize("accept", API_ACCEPTS)
def test_api_clients_get_the_matrix_as_hal_never_html(broker: BrokerServer, accept: str) -> None:
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        _seed_main_and_pending_feature(client)
        response = client.get("/matrix/provider/Bar/consumer/Foo", headers={"Accept": accept})
        cli_matrix = client.get(
            "/matrix?q[][pacticipant]=Foo&q[][version]="
            f"{CONSUMER_MAIN}&q[][pacticipant]=Bar&q[][version]={PROVIDER_MAIN}&latestby=cvpv"
        )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/hal+json")
    assert response.headers["vary"] == "Accept"
    body = response.json()
    assert {"summary", "notices", "matrix"} <= body.keys()
    assert {(row["consumer"]["name"], row["provider"]["name"]) for row in body["matrix"]} == {
        ("Foo", "Bar")
    }
    # The CLI's matrix query is untouched by the page.
    assert cli_matrix.status_code == 200
    assert cli_matrix.json()["summary"]["deployable"] is True


def test_unknown_integration_is_a_404_in_each_client_s_language(broker: BrokerServer) -> None:
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        publish_on(client, "Foo", "1.0.0", "Bar", "main")
        for_browser = client.get("/matrix/provider/Foo/consumer/Bar", headers=BROWSER)
        for_api = client.get("/matrix/provider/Bar/consumer/Nobody")
    assert for_browser.status_code == 404
    assert for_browser.headers["content-type"].startswith("text/html")
    assert "Bar has published no pact for Foo." in for_browser.text
    assert "<code>just publish</code>" in for_browser.text
    assert for_api.status_code == 404
    assert for_api.headers["content-type"].startswith("application/hal+json")
    assert for_api.json() == {"error": "No pacticipant with name 'Nobody' found"}


def test_every_page_escapes_names_versions_and_branches(broker: BrokerServer) -> None:
    consumer = '<script>alert("consumer")<img src=x onerror=alert(1)>'
    provider = "<script>alert('provider')"
    version = '1.0"><script>alert(2)<b>'
    branch = "</script><script>alert(3)</script>"
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        publish_on(client, consumer, version, provider, branch, "<b>described</b>")
        verify_on(client, consumer, version, provider, "<i>p1", branch, success=False)
        deploy_to(client, provider, "<i>p1", "<em>prod")
        segments = f"provider/{quote(provider, safe='')}/consumer/{quote(consumer, safe='')}"
        pages = {
            "dashboard": client.get("/", headers=BROWSER),
            "matrix": client.get(f"/matrix/{segments}", headers=BROWSER),
            "pact": client.get(f"/ui/pacts/{segments}/version/{quote(version, safe='')}"),
            "latest pact": client.get(f"/ui/pacts/{segments}/latest"),
        }
    for name, page in pages.items():
        assert page.status_code == 200, (name, page.text[:500])
        body = page.text
        assert "<script>alert" not in body, name
        assert "<img src=x" not in body, name
        assert "<i>p1" not in body, name
        assert "<em>prod" not in body, name
        assert str(escape(consumer)) in body, name
        # The page's own copy script is the only script element.
        assert body.count("<script>") == 1, name


def test_pact_page_of_a_version_with_a_slash(broker: BrokerServer) -> None:
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        publish_on(client, "Foo", "release/1.0", "Bar", "main")
        body = client.get("/ui").text
        link = re.search(r'<a class="row-pact" href="([^"]+)"', body)
        assert link is not None
        assert link.group(1) == "/ui/pacts/provider/Bar/consumer/Foo/version/release%2F1.0"
        page = client.get(link.group(1))
    assert page.status_code == 200
    assert '<dd class="version">release/1.0</dd>' in page.text


def test_pages_are_not_cached(broker: BrokerServer) -> None:
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        publish_on(client, "Foo", "1.0.0", "Bar", "main")
        for path in ("/ui", "/ui/matrix/provider/Bar/consumer/Foo"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert response.headers["content-type"].startswith("text/html"), path
            assert "no-store" in response.headers["cache-control"], path


def test_a_changed_main_pact_keeps_main_s_last_verification_visible(broker: BrokerServer) -> None:
    changed = commit("consumer main, changed")
    with httpx.Client(base_url=broker.url, timeout=10) as client:
        publish_on(client, "Foo", CONSUMER_MAIN, "Bar", "main")
        verify_on(client, "Foo", CONSUMER_MAIN, "Bar", PROVIDER_MAIN, "main", success=True)
        publish_on(client, "Foo", changed, "Bar", "main", "get thing, changed")
        body = client.get("/ui").text
    row = _section(body, r'<tr class="pact-row main".*?</tr>')
    assert 'data-status="unverified"' in row
    assert f'title="{changed}"' in row
    before = _text(_section(row, r'<div class="before-change.*?</div>'))
    assert re.fullmatch(
        rf"before the pact changed: passed by {PROVIDER_MAIN[:7]} copy main "
        r"(less than a minute|\d+ minutes?) ago",
        before,
    ), before
