"""What the service answers is what its spec says: found by fuzzing it from its own OpenAPI."""

import httpx


def test_a_405_lists_every_method_of_the_path(provider_url: str) -> None:
    response = httpx.request("DELETE", f"{provider_url}/users")

    assert response.status_code == 405
    assert {m.strip() for m in response.headers["allow"].split(",")} >= {"GET", "POST"}


def test_the_cursor_rule_is_in_the_spec(provider_url: str) -> None:
    operation = httpx.get(f"{provider_url}/openapi.json").json()["paths"]["/users"]["get"]
    [cursor] = [p for p in operation["parameters"] if p["name"] == "cursor"]

    assert cursor["schema"]["pattern"] == "^[1-9][0-9]{0,17}$"


def test_a_body_that_is_not_utf8_gets_the_declared_400(provider_url: str) -> None:
    response = httpx.post(
        f"{provider_url}/users",
        content=b"\xff\xfe{",
        headers={"Content-Type": "application/json", "Authorization": "Bearer nope"},
    )
    declared = httpx.get(f"{provider_url}/openapi.json").json()["paths"]["/users"]["post"]

    assert response.status_code in {int(code) for code in declared["responses"]}
    assert response.status_code < 500
