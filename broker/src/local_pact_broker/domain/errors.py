"""What the broker refuses, said without HTTP: the API turns each kind into a status and body.

Rules, storage and services raise these; only ``api/errors.py`` knows that an
:class:`InvalidInputError` is a 400 with the official ``errors`` field, a
:class:`NotFoundError` a 404 and a :class:`PublicationConflictError` the 409 the official CLI
prints.
"""


class RefusalError(Exception):
    """A request the broker refuses because of what it asked for, not because it failed."""


class InvalidInputError(RefusalError):
    """Input that breaks a rule: messages by field (``{"name": [...]}``) or a plain list."""

    def __init__(self, errors: dict[str, list[str]] | list[str]) -> None:
        super().__init__(str(errors))
        self.errors = errors


class NotFoundError(RefusalError):
    """Something asked for does not exist; without a message it is the generic 'not found'."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or "not found")
        self.message = message


class PublicationConflictError(RefusalError):
    """A publication refused whole: it would change stored pact content, or names are too similar.

    ``notices`` are the official broker's (errors plus a diff of the content), which the
    official CLI prints verbatim.
    """

    def __init__(self, errors: list[str], notices: list[dict[str, str]]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors
        self.notices = notices
