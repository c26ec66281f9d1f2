"""The verifier's results, turned into sentences: the field, its expected kind, the order."""

from typing import Any

from contract_first.pact_file import parse_pact
from contract_first.verify.mismatch_report import judge

PAGE_INTERACTION: dict[str, Any] = {
    "type": "Synchronous/HTTP",
    "description": "a search for ada",
    "request": {"method": "GET", "path": "/users", "query": {"email": ["ada@example.com"]}},
    "response": {
        "status": 200,
        "body": {
            "content": {"items": [{"id": 1, "name": "Ada"}]},
            "contentType": "application/json",
        },
        "matchingRules": {
            "body": {
                "$.items": {"matchers": [{"match": "type", "min": 1}]},
                "$.items[*].name": {"matchers": [{"match": "type"}]},
            }
        },
    },
}


def pact() -> Any:
    return parse_pact(
        "page.json",
        {
            "consumer": {"name": "signup-service"},
            "provider": {"name": "user-service"},
            "interactions": [PAGE_INTERACTION],
            "metadata": {"pactSpecification": {"version": "4.0"}},
        },
    )


def result(*mismatches: dict[str, Any]) -> dict[str, Any]:
    return {
        "interactionResults": [
            {
                "consumer": "signup-service",
                "description": "a search for ada",
                "result": "Error",
                "pending": False,
                "mismatch": {"type": "mismatches", "mismatches": list(mismatches)},
            }
        ]
    }


def test_a_field_inside_an_array_element_is_named_with_its_examples_type() -> None:
    missing = {
        "type": "BodyMismatch",
        "path": "$.items[0]",
        "mismatch": "Actual map is missing the following keys: name",
        "actual": '["id", "username"]',
    }

    [outcome] = judge(result(missing), "user-service", [pact()], [])

    assert outcome.reasons == (
        "signup-service expects body.items[0].name (string) in 'a search for ada'; "
        "user-service returned keys id, username",
    )


def test_the_status_is_said_before_the_body_whatever_order_the_verifier_used() -> None:
    body = {"type": "BodyMismatch", "path": "$.items", "mismatch": "Expected a list"}
    status = {"type": "StatusMismatch", "expected": 200, "actual": 500}

    [outcome] = judge(result(body, status), "user-service", [pact()], [])

    assert outcome.reasons[0] == (
        "signup-service expects status 200 in 'a search for ada'; user-service returned 500"
    )
    assert outcome.reasons[1].startswith("signup-service expects body.items in 'a search for ada'")
