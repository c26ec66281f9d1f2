"""Rules (no server): the matrix ``limit`` and the ``/can-i-deploy`` query, as the official.

``ParseQuery`` (``lib/pact_broker/matrix/parse_query.rb``): ``limit`` is 100 unless given;
``Matrix::Service.validate_options`` refuses one below 1 (Ruby's ``to_i``). The
``CanIDeployQuerySchema`` (``lib/pact_broker/api/contracts/can_i_deploy_query_schema.rb``)
requires the pacticipant and version, and an environment or a ``to`` tag but not both (a base
error, which the official error formatter keys ``nil``: ``""`` in JSON).
"""

import pytest

from local_pact_broker.domain.errors import InvalidInputError
from local_pact_broker.domain.matrix_query import (
    CANNOT_SPECIFY_BOTH,
    INVALID_LIMIT,
    MUST_SPECIFY_DESTINATION,
    PACTICIPANT_NOT_FOUND,
    can_i_deploy_query_errors,
    matrix_limit,
)


@pytest.mark.parametrize(
    ("given", "limit"), [(None, 100), ("", 100), ("1", 1), ("250", 250), ("5x", 5), (" +7", 7)]
)
def test_the_limit_is_100_unless_given(given: str | None, limit: int) -> None:
    assert matrix_limit(given) == limit


@pytest.mark.parametrize("given", ["0", "-3", "x", "all", "%"])
def test_a_limit_below_1_is_refused_with_the_official_message(given: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        matrix_limit(given)
    assert refused.value.errors == [INVALID_LIMIT]
    assert INVALID_LIMIT == "The limit must be 1 or greater."


VALID = {"pacticipant": "Foo", "version": "1"}


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({**VALID, "environment": "production"}, {}),
        ({**VALID, "to": "prod"}, {}),
        (VALID, {"": [MUST_SPECIFY_DESTINATION]}),
        ({**VALID, "to": "prod", "environment": "production"}, {"": [CANNOT_SPECIFY_BOTH]}),
        ({**VALID, "to": ""}, {"to": ["must be filled"]}),
        ({**VALID, "environment": ""}, {"environment": ["must be filled"]}),
        (
            {"environment": "production"},
            {"pacticipant": ["is missing"], "version": ["is missing"]},
        ),
        (
            {"pacticipant": "Foo", "version": ""},
            {"version": ["must be filled"], "": [MUST_SPECIFY_DESTINATION]},
        ),
    ],
)
def test_the_can_i_deploy_query_is_checked_as_the_official_schema(
    query: dict[str, str], errors: dict[str, list[str]]
) -> None:
    assert can_i_deploy_query_errors(query, True, True) == errors


def test_unknown_names_are_named_per_field() -> None:
    query = {**VALID, "environment": "staging"}
    assert can_i_deploy_query_errors(query, False, False) == {
        "pacticipant": [PACTICIPANT_NOT_FOUND],
        "environment": ["with name 'staging' does not exist"],
    }
    assert MUST_SPECIFY_DESTINATION == "Must specify either an environment or a 'to' tag."
