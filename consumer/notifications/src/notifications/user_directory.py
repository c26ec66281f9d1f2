"""The one place the notification service calls the user service: through the generated client."""

from http import HTTPStatus

import httpx

from notifications.recipient import Recipient
from notifications.user_directory_errors import (
    UnexpectedResponseError,
    UserServiceTimeoutError,
    UserServiceUnavailableError,
)
from user_service_client import Client
from user_service_client.api.users import get_user
from user_service_client.errors import UnexpectedStatus
from user_service_client.models import ErrorMessage, HTTPValidationError, User

DEFAULT_TIMEOUT_SECONDS = 5.0


class UserDirectory:
    """Looks users up by id; the rest of the consumer never sees HTTP or generated types."""

    def __init__(self, base_url: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self._base_url = base_url
        self._client = Client(
            base_url=base_url,
            timeout=httpx.Timeout(timeout),
            raise_on_unexpected_status=True,
        )

    def get_user(self, user_id: int) -> Recipient | None:
        """Return the user, or ``None`` when the service says there is no such user.

        Raises:
            UserServiceTimeoutError: the service did not answer within the timeout.
            UserServiceUnavailableError: the service could not be reached or answered 5xx.
            UnexpectedResponseError: the answer breaks the contract (status or body).

        """
        try:
            response = get_user.sync_detailed(user_id, client=self._client)
        except httpx.TimeoutException as error:
            raise UserServiceTimeoutError(
                f"user service at {self._base_url} did not answer GET /users/{user_id} in time"
            ) from error
        except httpx.TransportError as error:
            raise UserServiceUnavailableError(
                f"cannot reach the user service at {self._base_url}: {error}"
            ) from error
        except UnexpectedStatus as error:
            raise _status_error(user_id, error.status_code, error.content) from error
        except (KeyError, TypeError, ValueError) as error:
            raise UnexpectedResponseError(
                f"GET /users/{user_id} returned a body the contract does not allow: {error!r}"
            ) from error
        return _to_recipient(user_id, response.status_code, response.parsed)


def _status_error(user_id: int, status: int, content: bytes) -> Exception:
    body = content[:200].decode("utf-8", errors="replace")
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        return UserServiceUnavailableError(
            f"user service failed GET /users/{user_id} with {status}: {body}"
        )
    return UnexpectedResponseError(
        f"GET /users/{user_id} returned undeclared status {status}: {body}"
    )


def _to_recipient(
    user_id: int, status: HTTPStatus, parsed: User | ErrorMessage | HTTPValidationError | None
) -> Recipient | None:
    if isinstance(parsed, ErrorMessage):
        return None
    if isinstance(parsed, HTTPValidationError):
        raise UnexpectedResponseError(
            f"user service rejected user id {user_id!r} as invalid ({status})"
        )
    if not isinstance(parsed, User):
        raise UnexpectedResponseError(f"GET /users/{user_id} returned {status} with no usable body")
    # The generated models do not check types; a consumer that trusts them would pass on garbage.
    if (
        type(parsed.id) is not int
        or not isinstance(parsed.name, str)
        or not isinstance(parsed.email, str)
    ):
        raise UnexpectedResponseError(
            f"GET /users/{user_id} returned mistyped fields: {parsed.to_dict()!r}"
        )
    return Recipient(id=parsed.id, name=parsed.name, email=parsed.email)
