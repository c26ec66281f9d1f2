"""The findings of the pacts-against-spec check: stable codes, one line each, each with a fix.

A code never changes meaning once published, so CI logs, suppressions and docs can name it;
a new kind of disagreement gets a new code.

| code    | name                             | raised when                                       |
| ------- | -------------------------------- | ------------------------------------------------- |
| PACT001 | path-not-in-spec                 | no path template matches the request path         |
| PACT002 | method-not-in-spec               | the path exists, the request's method does not    |
| PACT003 | response-status-undeclared       | no response is declared for the status            |
| PACT004 | undeclared-response-field        | the consumer expects a field the spec lacks       |
| PACT005 | response-body-mismatch           | the example body breaks the schema (e.g. type)    |
| PACT006 | relied-on-field-optional         | a field the consumer relies on is not required    |
| PACT007 | relied-on-field-nullable         | a field the consumer relies on may be null        |
| PACT008 | request-parameter-mismatch       | a parameter is undeclared, missing or unfit       |
| PACT009 | response-content-type-undeclared | the response's content type is not declared       |
| PACT010 | request-body-mismatch            | the request body is undeclared, missing, unfit    |
| PACT011 | request-auth-missing             | the request satisfies none of the security rules  |
| PACT012 | undeclared-request-field         | the consumer sends a body field the spec lacks    |

"Relied on" means: named by a matcher in the pact's response (``$.name``) or present in
its example body. Objects are closed: a field the spec does not declare is PACT004 (in a
response) or PACT012 (in a request body) unless the schema admits extra properties
(``additionalProperties``, ``patternProperties``, or an object with no ``properties`` at all).
"""

from dataclasses import dataclass
from enum import Enum


class Code(Enum):
    """A kind of disagreement between a pact and the spec; the value is its stable name."""

    PACT001 = "path-not-in-spec"
    PACT002 = "method-not-in-spec"
    PACT003 = "response-status-undeclared"
    PACT004 = "undeclared-response-field"
    PACT005 = "response-body-mismatch"
    PACT006 = "relied-on-field-optional"
    PACT007 = "relied-on-field-nullable"
    PACT008 = "request-parameter-mismatch"
    PACT009 = "response-content-type-undeclared"
    PACT010 = "request-body-mismatch"
    PACT011 = "request-auth-missing"
    PACT012 = "undeclared-request-field"


@dataclass(frozen=True)
class Finding:
    """One interaction the spec does not allow, where in the spec, why, and how to fix it.

    ``message`` says what is wrong and nothing more (the catch matrix shows it as evidence);
    ``fix`` is a short imperative sentence naming what to change, in the pact or the spec.
    """

    consumer: str
    description: str
    code: Code
    location: str
    message: str
    fix: str

    def sort_key(self) -> tuple[str, str, str]:
        """Within one interaction: by code, then spec location, then message."""
        return (self.code.name, self.location, self.message)

    def line(self) -> str:
        """``CODE name | consumer | interaction | spec location | message | fix: ...``.

        One line per finding, so ``grep PACT011`` finds every one of a kind and
        ``grep 'fix:'`` or ``cut -d'|' -f6`` reads the remedies.
        """
        return " | ".join(
            (
                f"{self.code.name} {self.code.value}",
                self.consumer,
                self.description,
                self.location,
                self.message,
                f"fix: {self.fix}",
            )
        )
