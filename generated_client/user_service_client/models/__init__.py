"""Contains all the data models used in inputs/outputs"""

from .error_message import ErrorMessage
from .health import Health
from .http_validation_error import HTTPValidationError
from .user import User
from .validation_error import ValidationError
from .validation_error_context import ValidationErrorContext

__all__ = (
    "ErrorMessage",
    "Health",
    "HTTPValidationError",
    "User",
    "ValidationError",
    "ValidationErrorContext",
)
