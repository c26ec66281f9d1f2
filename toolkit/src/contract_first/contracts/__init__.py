"""Helpers for a consumer's pact tests: contracts whose matchers come from the provider's spec.

``OpenApiContract.load("openapi/openapi.json").response_body("get_user", 200, {...})`` gives
the pact matchers for the fields the consumer names, so a pact cannot ask for a type, format
or field the spec does not promise without saying so (``not_in_spec``).
"""

from contract_first.contracts.body_matchers import (
    DATE_REGEX,
    DATE_TIME_REGEX,
    EMAIL_REGEX,
    Body,
    BodyMatcherError,
    ExampleMismatchError,
    NotInSpec,
    OpenApiContract,
    UndeclaredFieldError,
    not_in_spec,
)

__all__ = [
    "DATE_REGEX",
    "DATE_TIME_REGEX",
    "EMAIL_REGEX",
    "Body",
    "BodyMatcherError",
    "ExampleMismatchError",
    "NotInSpec",
    "OpenApiContract",
    "UndeclaredFieldError",
    "not_in_spec",
]
