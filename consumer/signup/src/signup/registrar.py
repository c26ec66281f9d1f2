"""The one place the signup service calls the user service: through the generated client."""

from collections.abc import Callable
from http import HTTPStatus
from typing import TypeVar

import httpx

from signup.registration import Registration
from signup.signup_errors import (
    InvalidSignupError,
    NotAuthorisedError,
    UnexpectedResponseError,
    UserServiceTimeoutError,
    UserServiceUnavailableError,
)
from user_service_client import AuthenticatedClient
from user_service_client.api.users import create_user, search_users
from user_service_client.errors import UnexpectedStatus
from user_service_client.models import (
    ErrorMessage,
    HTTPValidationError,
    NewUser,
    User,
    UsersPage,
)
from user_service_client.types import Response

DEFAULT_TIMEOUT_SECONDS = 5.0
# Emails are unique, so at most one user has the one searched for. Asking for two, not one,
# lets a provider that answers with more than that user (one that ignores the filter) show,
# instead of the page size hiding it.
SEARCH_PAGE_SIZE = 2
_SHOWN_BODY_BYTES = 200
_Parsed = TypeVar("_Parsed")


class Registrar:
    """Signs people up; the rest of the consumer never sees HTTP, tokens or generated types."""

    def __init__(
        self, base_url: str, token: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS
    ) -> None:
        if not token.strip():
            raise ValueError("the user service token is blank: every signup would be refused")
        self._base_url = base_url
        self._token = token
        self._client = AuthenticatedClient(
            base_url=base_url,
            token=token,
            timeout=httpx.Timeout(timeout),
            raise_on_unexpected_status=True,
        )

    def __repr__(self) -> str:
        """Name the service, never the token (the generated client's own repr shows it)."""
        return f"Registrar({self._base_url!r})"

    def register(self, name: str, email: str) -> Registration:
        """Create the user; if the email is taken already, return the user who has it.

        Name and email are sent trimmed: the service trims them itself, and the search after
        a 409 must look for the email as the service stored it.

        Raises:
            NotAuthorisedError: the service refused the token (401).
            InvalidSignupError: the service rejected the name or email (422).
            UserServiceTimeoutError: the service did not answer within the timeout.
            UserServiceUnavailableError: the service could not be reached or answered 5xx.
            UnexpectedResponseError: the answer breaks the contract (status, body or headers),
                or the service said the email was taken but no user has it.

        """
        name, email = name.strip(), email.strip()
        request = "POST /users"
        response = self._call(
            request,
            lambda: create_user.sync_detailed(
                client=self._client, body=NewUser(name=name, email=email)
            ),
        )
        parsed = response.parsed
        status = response.status_code
        if status == HTTPStatus.CREATED and isinstance(parsed, User):
            user = self._checked(request, parsed)
            return Registration(
                id=user.id,
                name=user.name,
                email=user.email,
                already_registered=False,
                location=self._location(response.headers.get("location")),
            )
        if status == HTTPStatus.CONFLICT and isinstance(parsed, ErrorMessage):
            return self._existing(email)
        if status == HTTPStatus.UNAUTHORIZED and isinstance(parsed, ErrorMessage):
            raise NotAuthorisedError(
                f"the user service at {self._base_url} refused the token (401): "
                f"{self._shown(parsed.detail)}"
            )
        if isinstance(parsed, HTTPValidationError):
            problems = _problems(parsed, self._shown)
            raise InvalidSignupError(
                f"the user service rejected the signup of {name!r} <{email}> (422): "
                + ("; ".join(problems) or "it gave no reason"),
                problems,
            )
        raise UnexpectedResponseError(f"{request} returned {status} with no usable body")

    def _existing(self, email: str) -> Registration:
        """The user who already has ``email``: the service said so with 409, so it must exist."""
        request = f"GET /users?email={email}"
        response = self._call(
            request,
            lambda: search_users.sync_detailed(
                client=self._client, email=email, limit=SEARCH_PAGE_SIZE
            ),
        )
        page = response.parsed
        if not isinstance(page, UsersPage) or not isinstance(page.items, list):
            raise UnexpectedResponseError(
                f"{request} returned {response.status_code} with no usable page"
            )
        users = [self._checked(request, user) for user in page.items]
        strangers = sorted(user.email for user in users if user.email != email)
        if strangers:
            raise UnexpectedResponseError(
                f"{request} returned users with other emails ({', '.join(strangers)}): "
                "the service ignored the email filter"
            )
        if not users:
            raise UnexpectedResponseError(
                f"the user service said {email} is taken (409), but {request} found no user "
                "with it (deleted in between?): try again"
            )
        if len(users) > 1:
            raise UnexpectedResponseError(
                f"{request} returned {len(users)} users with one email; emails are unique"
            )
        user = users[0]
        return Registration(id=user.id, name=user.name, email=user.email, already_registered=True)

    def _call(self, request: str, call: Callable[[], Response[_Parsed]]) -> Response[_Parsed]:
        """Make one call; turn every way it can fail into this package's errors."""
        try:
            return call()
        except httpx.TimeoutException as error:
            raise UserServiceTimeoutError(
                f"the user service at {self._base_url} did not answer {request} in time"
            ) from error
        except httpx.TransportError as error:
            raise UserServiceUnavailableError(
                f"cannot reach the user service at {self._base_url}: {error}"
            ) from error
        except UnexpectedStatus as error:
            body = self._shown(error.content[:_SHOWN_BODY_BYTES].decode("utf-8", errors="replace"))
            if error.status_code >= HTTPStatus.INTERNAL_SERVER_ERROR:
                raise UserServiceUnavailableError(
                    f"the user service failed {request} with {error.status_code}: {body}"
                ) from error
            raise UnexpectedResponseError(
                f"{request} returned undeclared status {error.status_code}: {body}"
            ) from error
        except (KeyError, TypeError, ValueError) as error:
            raise UnexpectedResponseError(
                f"{request} returned an answer the contract does not allow: {error!r}"
            ) from error

    def _checked(self, request: str, user: object) -> User:
        """The user, if its fields have the types the contract says.

        The generated models do not check types; a consumer that trusts them passes on garbage.
        """
        if (
            not isinstance(user, User)
            or type(user.id) is not int
            or not isinstance(user.name, str)
            or not isinstance(user.email, str)
        ):
            shown = user.to_dict() if isinstance(user, User) else user
            raise UnexpectedResponseError(f"{request} returned a mistyped user: {shown!r}")
        return user

    def _location(self, location: str | None) -> str:
        """The new user's URL: the ``Location`` header, resolved against the service's URL."""
        if not location:
            raise UnexpectedResponseError(
                "POST /users returned 201 without the Location header the contract promises"
            )
        return str(httpx.URL(self._base_url).join(location))

    def _shown(self, text: object) -> str:
        """Text from the service, fit for a message: the token blanked out, should it echo it."""
        return str(text).replace(self._token, "[token]")


def _problems(rejection: HTTPValidationError, shown: Callable[[object], str]) -> tuple[str, ...]:
    """The service's reasons, one per rejected field: ``body.email: <its message>``."""
    if not isinstance(rejection.detail, list):
        return ()
    return tuple(
        shown(f"{'.'.join(str(part) for part in problem.loc)}: {problem.msg}")
        for problem in rejection.detail
    )
