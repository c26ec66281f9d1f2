"""The errors ``Registrar`` raises: one base class, one subclass per thing a caller handles.

None of their messages ever holds the token: they say what the service answered, not what
it was sent.
"""


class SignupError(Exception):
    """The signup did not happen, or its outcome is unknown; the message says why."""


class NotAuthorisedError(SignupError):
    """The user service refused the token (401): fix the token, retrying will not help."""


class InvalidSignupError(SignupError):
    """The user service rejected the name or email (422); ``problems`` are its own words."""

    def __init__(self, message: str, problems: tuple[str, ...]) -> None:
        super().__init__(message)
        self.problems = problems


class UserServiceUnavailableError(SignupError):
    """The user service is down or failing (connection refused, 5xx): retry later."""


class UserServiceTimeoutError(UserServiceUnavailableError):
    """The user service did not answer in time: retry later (a POST may have landed)."""


class UnexpectedResponseError(SignupError):
    """The user service answered something the contract does not allow: a bug on one side."""
