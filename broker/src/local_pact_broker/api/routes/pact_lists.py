"""Lists of pacts chosen by their consumer versions: by provider, tag or branch.

The official broker advertises these in the index and on pacts (``pb:provider-pacts``,
``pb:provider-pacts-with-tag``, ``pb:latest-provider-pacts-with-tag``, the pair's tag and branch
version lists); they answer with its shapes and titles. Included after ``pacts``: its
``.../branch/{branch}/latest`` must route before the pair's ``.../branch/{branch}`` here.
"""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from local_pact_broker.api.dependencies import DatabaseDep
from local_pact_broker.api.errors import not_found
from local_pact_broker.api.hal import base_url, hal, link
from local_pact_broker.api.openapi_responses import NOT_FOUND, ok
from local_pact_broker.api.representations import pact_title
from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db import pacts_repository as pacts
from local_pact_broker.db.records import PublicationRecord
from local_pact_broker.db.storage import Database
from local_pact_broker.domain import urls
from local_pact_broker.domain.timestamps import display

router = APIRouter()


def _newest_per_consumer(rows: list[PublicationRecord]) -> list[PublicationRecord]:
    """Rows come by consumer, oldest version first: keep each consumer's last."""
    return list({row.consumer: row for row in rows}.values())


def _provider_pacts(
    request: Request, db: Database, provider: str, tag: str | None, *, latest: bool
) -> JSONResponse:
    """The official ``ProviderPactsDecorator``: a provider's pacts, optionally by tag."""
    base = base_url(request)
    with db.reading() as connection:
        if pacticipants.find_pacticipant(connection, provider) is None:
            raise not_found()
        rows = pacts.publications_for_provider_by_consumer_version(connection, provider, tag=tag)
    if latest:
        rows = _newest_per_consumer(rows)
    resource = {
        (False, False): urls.PROVIDER_PACTS,
        (True, False): urls.PROVIDER_PACTS_WITH_TAG,
        (False, True): urls.LATEST_PROVIDER_PACTS,
        (True, True): urls.LATEST_PROVIDER_PACTS_WITH_TAG,
    }[(tag is not None, latest)]
    url = resource.url(base, provider=provider, **({} if tag is None else {"tag": tag}))
    suffix = "" if tag is None else f" with consumer version tag '{tag}'"
    title = f"{'Latest' if latest else 'All'} pact versions for the provider {provider}{suffix}"
    provider_url = urls.PACTICIPANT.url(base, name=provider)
    pact_links = [
        {
            "href": urls.PACT.url(
                base, provider=provider, consumer=r.consumer, number=r.consumer_version_number
            ),
            "title": pact_title(r.consumer, r.consumer_version_number, provider),
            "name": r.consumer,
        }
        for r in rows
    ]
    return hal(
        {
            "_links": {
                "self": link(url, title),
                "pb:provider": {"href": provider_url, "name": provider},
                "pb:pacts": pact_links,
                "provider": link(
                    provider_url, provider, "DEPRECATED - please use the pb:provider relation"
                ),
                "pacts": [
                    {
                        **entry,
                        "title": f"DEPRECATED - please use the pb:pacts relation. {entry['title']}",
                    }
                    for entry in pact_links
                ],
            }
        }
    )


@router.get(urls.PROVIDER_PACTS.template, responses={**ok("Collection"), **NOT_FOUND})
def provider_pacts(provider: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """Every pact of every consumer with this provider."""
    return _provider_pacts(request, db, provider, None, latest=False)


@router.get(urls.PROVIDER_PACTS_WITH_TAG.template, responses={**ok("Collection"), **NOT_FOUND})
def provider_pacts_with_tag(
    provider: str, tag: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """Every pact with this provider whose consumer version has the tag."""
    return _provider_pacts(request, db, provider, tag, latest=False)


@router.get(
    urls.LATEST_PROVIDER_PACTS_WITH_TAG.template, responses={**ok("Collection"), **NOT_FOUND}
)
def latest_provider_pacts_with_tag(
    provider: str, tag: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """The newest pact with the tag from each consumer of this provider."""
    return _provider_pacts(request, db, provider, tag, latest=True)


def _pair_rows(
    db: Database,
    provider: str,
    consumer: str,
    *,
    tag: str | None = None,
    branch: str | None = None,
    latest: bool = False,
) -> list[PublicationRecord]:
    """The pair's pacts by tag or branch (neither: the consumer's main branch), newest first.

    404 when either pacticipant is unknown; an empty list when none matches.
    """
    with db.reading() as connection:
        for name in (provider, consumer):
            if pacticipants.find_pacticipant(connection, name) is None:
                raise not_found()
        rows = pacts.publications_for_provider_by_consumer_version(
            connection,
            provider,
            consumer=consumer,
            tag=tag,
            branch=branch,
            main_branch=tag is None and branch is None,
        )
    rows.reverse()
    return rows[:1] if latest else rows


def _embedded_pacts(
    base: str, provider: str, consumer: str, rows: list[PublicationRecord]
) -> list[dict[str, Any]]:
    """Each pact as the official ``PactVersionDecorator`` embeds it."""
    return [
        {
            "createdAt": display(row.created_at),
            "_embedded": {"consumerVersion": {"number": row.consumer_version_number}},
            "_links": {
                "self": link(
                    urls.PACT.url(
                        base,
                        provider=provider,
                        consumer=consumer,
                        number=row.consumer_version_number,
                    ),
                    "Pact",
                    pact_title(consumer, row.consumer_version_number, provider),
                )
            },
        }
        for row in rows
    ]


def _version_links(
    base: str, provider: str, consumer: str, rows: list[PublicationRecord], title: str
) -> list[dict[str, str]]:
    return [
        {
            "href": urls.PACT.url(
                base, provider=provider, consumer=consumer, number=row.consumer_version_number
            ),
            "title": title,
            "name": f"{row.consumer_version_number} - {display(row.created_at)}",
        }
        for row in rows
    ]


@router.get(urls.TAGGED_PACT_VERSIONS.template, responses={**ok("Collection"), **NOT_FOUND})
def tagged_pact_versions(
    provider: str, consumer: str, tag: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """Every pact of the pair whose consumer version has the tag, newest first."""
    rows = _pair_rows(db, provider, consumer, tag=tag)
    base = base_url(request)
    title = f"All versions of the pact between {consumer} and {provider} with tag {tag}"
    url = urls.TAGGED_PACT_VERSIONS.url(base, provider=provider, consumer=consumer, tag=tag)
    return hal(
        {
            "_embedded": {"pacts": _embedded_pacts(base, provider, consumer, rows)},
            "_links": {
                "self": link(url, title),
                "pb:consumer": link(
                    urls.PACTICIPANT.url(base, name=consumer), "Consumer", consumer
                ),
                "pb:provider": link(
                    urls.PACTICIPANT.url(base, name=provider), "Provider", provider
                ),
                "pb:pact-versions": _version_links(base, provider, consumer, rows, "Pact version"),
            },
        }
    )


def _branch_pact_versions(
    request: Request,
    db: Database,
    provider: str,
    consumer: str,
    branch: str | None,
    *,
    latest: bool,
) -> JSONResponse:
    """The official ``PactVersionsDecorator`` over the pair's pacts on a branch (or main)."""
    rows = _pair_rows(db, provider, consumer, branch=branch, latest=latest)
    base = base_url(request)
    resource = {
        (False, False): urls.MAIN_BRANCH_PACT_VERSIONS,
        (False, True): urls.LATEST_MAIN_BRANCH_PACT_VERSIONS,
        (True, False): urls.BRANCH_PACT_VERSIONS,
        (True, True): urls.LATEST_BRANCH_PACT_VERSIONS,
    }[(branch is not None, latest)]
    values = {"provider": provider, "consumer": consumer}
    url = resource.url(base, **values, **({} if branch is None else {"branch": branch}))
    return hal(
        {
            "_embedded": {"pacts": _embedded_pacts(base, provider, consumer, rows)},
            "_links": {
                "self": link(url, f"All versions of the pact between {consumer} and {provider}"),
                "consumer": link(urls.PACTICIPANT.url(base, name=consumer), "Consumer", consumer),
                "provider": link(urls.PACTICIPANT.url(base, name=provider), "Provider", provider),
                "pact-versions": _version_links(base, provider, consumer, rows, "Pact"),
            },
        }
    )


# The fixed paths first: ``{branch}`` would take a branch called "versions" too.
@router.get(urls.MAIN_BRANCH_PACT_VERSIONS.template, responses={**ok("Collection"), **NOT_FOUND})
def main_branch_pact_versions(
    provider: str, consumer: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """Every pact of the pair from the consumer's main branch, newest first."""
    return _branch_pact_versions(request, db, provider, consumer, None, latest=False)


@router.get(
    urls.LATEST_MAIN_BRANCH_PACT_VERSIONS.template, responses={**ok("Collection"), **NOT_FOUND}
)
def latest_main_branch_pact_versions(
    provider: str, consumer: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """The newest pact of the pair from the consumer's main branch (a list of at most one)."""
    return _branch_pact_versions(request, db, provider, consumer, None, latest=True)


@router.get(urls.LATEST_BRANCH_PACT_VERSIONS.template, responses={**ok("Collection"), **NOT_FOUND})
def latest_branch_pact_versions(
    provider: str, consumer: str, branch: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """The newest pact of the pair from a consumer branch (a list of at most one)."""
    return _branch_pact_versions(request, db, provider, consumer, branch, latest=True)


@router.get(urls.BRANCH_PACT_VERSIONS.template, responses={**ok("Collection"), **NOT_FOUND})
def branch_pact_versions(
    provider: str, consumer: str, branch: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """Every pact of the pair from a consumer branch, newest first."""
    return _branch_pact_versions(request, db, provider, consumer, branch, latest=False)
