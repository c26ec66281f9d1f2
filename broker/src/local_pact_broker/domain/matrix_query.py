"""What the official broker refuses in a matrix or ``/can-i-deploy`` query, as pure rules.

``/matrix`` (and the matrix of an integration) caps its rows with ``limit`` (the official
``ParseQuery``: 100 unless given, ``The limit must be 1 or greater.``); ``/can-i-deploy`` reads
its query with the official ``CanIDeployQuerySchema``, whose rule about the destination is a
*base* error: the official formatter keys it ``nil``, which its JSON writes as ``""``.
"""

import re
from collections.abc import Mapping

from local_pact_broker.domain.errors import InvalidInputError

DEFAULT_MATRIX_LIMIT = 100
"""Rows of a matrix answer when the query gives no ``limit`` (official ``ParseQuery``)."""

INVALID_LIMIT = "The limit must be 1 or greater."
MUST_SPECIFY_DESTINATION = "Must specify either an environment or a 'to' tag."
CANNOT_SPECIFY_BOTH = "Cannot specify both a 'to' tag and an environment."
PACTICIPANT_NOT_FOUND = "does not match an existing pacticipant"

_LEADING_INTEGER = re.compile(r"\s*([+-]?\d+)")


def matrix_limit(value: str | None) -> int:
    """The row cap of a matrix query: 100 when absent or empty, else the number it starts with.

    As the official (Ruby's ``to_i``: ``"5x"`` is 5, ``"x"`` is 0), anything below 1 is refused.
    """
    if not value:
        return DEFAULT_MATRIX_LIMIT
    found = _LEADING_INTEGER.match(value)
    limit = int(found.group(1)) if found else 0
    if limit < 1:
        raise InvalidInputError([INVALID_LIMIT])
    return limit


def can_i_deploy_query_errors(
    query: Mapping[str, str], pacticipant_exists: bool, environment_exists: bool
) -> dict[str, list[str]]:
    """The official ``CanIDeployQuerySchema`` errors for a ``/can-i-deploy`` query (empty: valid).

    ``pacticipant`` and ``version`` are required, ``to`` and ``environment`` must not be empty
    when given, exactly one of them must be given (a base error, key ``""``), and the named
    pacticipant and environment must exist. As dry-validation, a rule runs only over fields
    that passed the schema.
    """
    errors: dict[str, list[str]] = {}
    for field in ("pacticipant", "version"):
        if not query.get(field):
            errors[field] = ["is missing" if query.get(field) is None else "must be filled"]
    empty = [field for field in ("to", "environment") if query.get(field) == ""]
    for field in empty:
        errors[field] = ["must be filled"]
    if query.get("pacticipant") and not pacticipant_exists:
        errors["pacticipant"] = [PACTICIPANT_NOT_FOUND]
    environment = query.get("environment")
    if environment and not environment_exists:
        errors["environment"] = [f"with name '{environment}' does not exist"]
    if not empty:
        given = [field for field in ("to", "environment") if query.get(field)]
        if len(given) != 1:
            errors[""] = [CANNOT_SPECIFY_BOTH if given else MUST_SPECIFY_DESTINATION]
    return errors
