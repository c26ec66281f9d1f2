"""Contains all the data models used in inputs/outputs"""

from .error_message import ErrorMessage
from .health import Health
from .http_validation_error import HTTPValidationError
from .new_user import NewUser
from .user import User
from .users_page import UsersPage
from .validation_error import ValidationError
from .validation_error_context import ValidationErrorContext

__all__ = (
    "ErrorMessage",
    "Health",
    "HTTPValidationError",
    "NewUser",
    "User",
    "UsersPage",
    "ValidationError",
    "ValidationErrorContext",
)
