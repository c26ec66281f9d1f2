"""Webhook rules without a server: templates, allow-lists, retries and redaction."""

import json
from pathlib import Path

import pytest

from local_pact_broker.domain.webhook_policy import (
    REDACTED,
    WebhookPolicy,
    check_request,
    parse_retry_schedule,
    redact_headers,
    redact_url,
    retry_delay,
    scrub,
    secrets_of,
)
from local_pact_broker.domain.webhook_templates import (
    PARAMETERS,
    render_body,
    render_template,
    render_url,
)
from local_pact_broker.services.webhook_delivery import RenderedRequest
from local_pact_broker.services.webhooks import policy_from_settings
from local_pact_broker.settings import Settings

CONTEXT = {
    "pactUrl": "http://b/pacts/provider/Bar/consumer/Foo/pact-version/abc",
    "consumerName": "Foo",
    "providerName": "Bar",
    "consumerVersionNumber": "1.0.0",
    "consumerVersionBranch": "main",
    "consumerVersionTags": "dev, prod",
    "providerVersionNumber": "p-1",
    "providerVersionBranch": "main",
    "githubVerificationStatus": "success",
    "eventName": "contract_published",
}


def loopback(host: str) -> list[str]:
    return {"localhost": ["127.0.0.1", "::1"], "evil.test": ["10.0.0.5"]}.get(host, [])


def test_render_replaces_every_documented_variable() -> None:
    template = " ".join(f"${{pactbroker.{name}}}" for name in PARAMETERS)
    rendered = render_template(template, dict.fromkeys(PARAMETERS, "x"))
    assert rendered == " ".join("x" for _ in PARAMETERS)


def test_render_keeps_unknown_and_blanks_missing() -> None:
    rendered = render_template(
        "${pactbroker.consumerName}|${pactbroker.providerVersionNumber}|${pactbroker.nope}|${x.y}",
        {"consumerName": "Foo"},
    )
    assert rendered == "Foo||${pactbroker.nope}|${x.y}"


def test_render_url_escapes_values_and_body_stays_json() -> None:
    context = {**CONTEXT, "consumerName": 'a/b"?c'}
    assert render_url("https://ci/x?c=${pactbroker.consumerName}", context) == (
        "https://ci/x?c=a%2Fb%22%3Fc"
    )
    body = render_body({"name": "${pactbroker.consumerName}", "n": 1}, context)
    assert body is not None
    assert json.loads(body) == {"name": 'a/b"?c', "n": 1}
    assert render_body("plain ${pactbroker.eventName}", CONTEXT) == "plain contract_published"
    assert render_body(None, CONTEXT) is None


def test_rendered_request_substitutes_url_headers_body_and_credentials() -> None:
    request = RenderedRequest.render(
        {
            "method": "post",
            "url": "https://ci.local/${pactbroker.providerName}",
            "headers": {"X-Branch": "${pactbroker.consumerVersionBranch}"},
            "body": {"tags": "${pactbroker.consumerVersionTags}"},
            "username": "${pactbroker.consumerName}",
            "password": "pw",
        },
        CONTEXT,
    )
    assert request.method == "POST"
    assert request.url == "https://ci.local/Bar"
    assert request.headers == {"X-Branch": "main"}
    assert json.loads(request.body or "") == {"tags": "dev, prod"}
    assert (request.username, request.password) == ("Foo", "pw")


@pytest.mark.parametrize(
    ("url", "method", "error"),
    [
        ("http://127.0.0.1:9/hook", "POST", None),
        ("http://localhost:9/hook", "POST", None),
        ("http://[::1]:9/hook", "POST", None),
        ("https://127.0.0.1/hook", "POST", None),
        ("http://127.0.0.1/hook", "GET", "request.method"),
        ("http://10.1.2.3/hook", "POST", "request.url"),
        ("http://evil.test/hook", "POST", "request.url"),
        ("ftp://127.0.0.1/hook", "POST", "request.url"),
        ("not a url", "POST", "request.url"),
    ],
)
def test_loopback_http_policy_allows_loopback_only(
    url: str, method: str, error: str | None
) -> None:
    verdict = check_request(url, method, WebhookPolicy(http_to_loopback=True), loopback)
    assert (error is None) == verdict.allowed, verdict.errors
    if error is not None:
        assert error in verdict.errors


def test_http_is_refused_by_default_with_the_official_message() -> None:
    verdict = check_request("http://127.0.0.1:9/hook", "POST", WebhookPolicy(), loopback)
    assert verdict.errors == {
        "request.url": ["scheme must be https. See /doc/webhooks#whitelist for more information."]
    }


def test_a_name_is_refused_when_it_resolves_outside_the_list() -> None:
    by_name_only = WebhookPolicy(hosts=("localhost", "evil.test"))
    assert not check_request("http://localhost/h", "POST", by_name_only, loopback).allowed
    assert not check_request("https://evil.test/h", "POST", by_name_only, loopback).allowed
    with_network = WebhookPolicy(hosts=("evil.test", "10.0.0.0/8"))
    verdict = check_request("https://evil.test/h", "POST", with_network, loopback)
    assert verdict.allowed
    assert verdict.addresses == ("10.0.0.5",)
    # http stays refused: the address is not a loopback one.
    assert not check_request("http://evil.test/h", "POST", with_network, loopback).allowed


def test_wildcard_and_regex_entries() -> None:
    def resolve(_host: str) -> list[str]:
        return ["192.0.2.7"]

    policy = WebhookPolicy(hosts=("*.ci.test", "/^192\\.0\\.2\\./"))
    assert check_request("https://a.ci.test/h", "POST", policy, resolve).allowed
    assert not check_request("https://a.b.ci.test/h", "POST", policy, resolve).allowed
    assert check_request("https://192.0.2.9/h", "POST", policy, resolve).allowed


def test_unresolvable_name_is_refused() -> None:
    policy = WebhookPolicy(hosts=("ghost.test", "/.*/"))
    verdict = check_request("https://ghost.test/h", "POST", policy, lambda _h: [])
    assert verdict.errors == {"request.url": ["host ghost.test could not be resolved"]}


def test_retry_schedule_is_one_attempt_then_one_per_entry() -> None:
    schedule = parse_retry_schedule("10 60, 120 300 600 1200")
    assert schedule == (10, 60, 120, 300, 600, 1200)
    assert [retry_delay(n, schedule) for n in range(1, 8)] == [10, 60, 120, 300, 600, 1200, None]
    assert retry_delay(1, ()) is None


def test_redaction_of_headers_urls_and_echoed_secrets() -> None:
    headers = {
        "Authorization": "Bearer s3cret-token",
        "X-Api-Token": "tok-123",
        "Content-Type": "application/json",
        "authorization-template": "Bearer ${pactbroker.consumerName}",
    }
    assert redact_headers(headers) == {
        "Authorization": REDACTED,
        "X-Api-Token": REDACTED,
        "Content-Type": "application/json",
        "authorization-template": "Bearer ${pactbroker.consumerName}",
    }
    assert redact_url("https://u:pw@ci.test:8443/x?token=abc&a=1") == (
        f"https://u:{REDACTED}@ci.test:8443/x?token={REDACTED}&a=1"
    )
    secrets = secrets_of(headers, "https://u:hunter22@ci.test/x", "basic-pass")
    text = "auth was Bearer s3cret-token, pw hunter22 and basic-pass; tok-123"
    assert scrub(text, secrets) == (
        f"auth was {REDACTED}, pw {REDACTED} and {REDACTED}; {REDACTED}"
    )


def test_responses_are_shown_only_with_a_configured_host_whitelist(tmp_path: Path) -> None:
    """As the official broker: configuring the whitelist is what enables response logging."""
    default = Settings(database=tmp_path / "b.sqlite3")
    configured = Settings(database=tmp_path / "b.sqlite3", webhook_host_whitelist="127.0.0.1")
    assert policy_from_settings(default).show_response is False
    assert policy_from_settings(configured).show_response is True
    assert policy_from_settings(default).hosts == ("127.0.0.1", "::1", "localhost")
