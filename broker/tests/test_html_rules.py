"""Pure rules behind the HTML pages: who gets HTML, and how a pact reads."""

import pytest

from local_pact_broker.api.content_negotiation import wants_html
from local_pact_broker.ui.pact_view import pact_view

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (BROWSER, True),
        ("text/html", True),
        ("application/hal+json, application/json", False),  # pact-python's Rust verifier
        ("application/hal+json", False),
        ("*/*", False),
        ("", False),
        ("application/json, text/html;q=0.5", False),
        ("text/html;q=0", False),
    ],
)
def test_only_clients_preferring_html_get_the_dashboard(accept: str, html: bool) -> None:
    assert wants_html(accept) is html


def test_pact_v2_reads_like_v4() -> None:
    view = pact_view(
        {
            "consumer": {"name": "Foo"},
            "provider": {"name": "Bar"},
            "interactions": [
                {
                    "description": "get thing",
                    "providerState": "a thing exists",
                    "request": {"method": "get", "path": "/things/1", "query": "a=1"},
                    "response": {"status": 200, "body": {"id": 1}},
                },
                "not an interaction",
            ],
            "metadata": {"pactSpecification": {"version": "2.0.0"}},
        }
    )
    [interaction] = view.interactions
    assert (view.consumer, view.provider, view.specification) == ("Foo", "Bar", "2.0.0")
    assert [s.name for s in interaction.states] == ["a thing exists"]
    assert (interaction.method, interaction.path, interaction.query) == ("GET", "/things/1", "a=1")
    assert interaction.response_body == '{\n  "id": 1\n}'


def test_message_pact_shows_contents() -> None:
    view = pact_view(
        {
            "consumer": {"name": "Foo"},
            "provider": {"name": "Bar"},
            "messages": [{"description": "thing created", "contents": {"id": 1}}],
        }
    )
    [message] = view.interactions
    assert message.kind == "Message"
    assert message.message_contents == '{\n  "id": 1\n}'
    assert message.status == ""
