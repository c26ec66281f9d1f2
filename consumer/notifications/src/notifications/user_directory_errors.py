"""The errors ``UserDirectory`` raises: one base class, one subclass per thing a caller handles."""


class UserDirectoryError(Exception):
    """The user service could not answer the lookup; the message says why."""


class UserServiceUnavailableError(UserDirectoryError):
    """The user service is down or failing (connection refused, 5xx): retry later."""


class UserServiceTimeoutError(UserServiceUnavailableError):
    """The user service did not answer in time: retry later, or raise the timeout."""


class UnexpectedResponseError(UserDirectoryError):
    """The user service answered something the contract does not allow: a bug on one side."""
