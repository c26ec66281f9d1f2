from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.users_page import UsersPage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    email: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_email: None | str | Unset
    if isinstance(email, Unset):
        json_email = UNSET
    else:
        json_email = email
    params["email"] = json_email

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/users",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | UsersPage | None:
    if response.status_code == 200:
        response_200 = UsersPage.from_dict(response.json())

        return response_200

    if response.status_code == 422:
        response_422 = HTTPValidationError.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[HTTPValidationError | UsersPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    email: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | UsersPage]:
    """List users, optionally only the one with an email, a page at a time

     Return one page of users in id order, and the cursor of the next page if there is one.

    Args:
        email (None | str | Unset): Only the user with exactly this email address.
        limit (int | Unset): At most this many users. Default: 20.
        cursor (None | str | Unset): The previous page's `next_cursor`; omit it for the first
            page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | UsersPage]
    """

    kwargs = _get_kwargs(
        email=email,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    email: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> HTTPValidationError | UsersPage | None:
    """List users, optionally only the one with an email, a page at a time

     Return one page of users in id order, and the cursor of the next page if there is one.

    Args:
        email (None | str | Unset): Only the user with exactly this email address.
        limit (int | Unset): At most this many users. Default: 20.
        cursor (None | str | Unset): The previous page's `next_cursor`; omit it for the first
            page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | UsersPage
    """

    return sync_detailed(
        client=client,
        email=email,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    email: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | UsersPage]:
    """List users, optionally only the one with an email, a page at a time

     Return one page of users in id order, and the cursor of the next page if there is one.

    Args:
        email (None | str | Unset): Only the user with exactly this email address.
        limit (int | Unset): At most this many users. Default: 20.
        cursor (None | str | Unset): The previous page's `next_cursor`; omit it for the first
            page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | UsersPage]
    """

    kwargs = _get_kwargs(
        email=email,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    email: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> HTTPValidationError | UsersPage | None:
    """List users, optionally only the one with an email, a page at a time

     Return one page of users in id order, and the cursor of the next page if there is one.

    Args:
        email (None | str | Unset): Only the user with exactly this email address.
        limit (int | Unset): At most this many users. Default: 20.
        cursor (None | str | Unset): The previous page's `next_cursor`; omit it for the first
            page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | UsersPage
    """

    return (
        await asyncio_detailed(
            client=client,
            email=email,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
