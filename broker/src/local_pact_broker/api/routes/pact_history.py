"""A pact's history: every version of it, the previous distinct one, and diffs between contents.

The pact resources advertise these (``pb:all-pact-versions``, ``pb:previous-distinct``,
``pb:diff-previous-distinct``, ``pb:diff``) as the official broker does; the diffs are text
in the format of the 409 notice on publication (``domain/pact_content.content_diff``).
"""

import json

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from local_pact_broker.api.dependencies import DatabaseDep
from local_pact_broker.api.errors import not_found
from local_pact_broker.api.hal import base_url, hal, link
from local_pact_broker.api.openapi_responses import NOT_FOUND, TEXT_DIFF, ok
from local_pact_broker.api.representations import pact_body, pact_title
from local_pact_broker.db import pacts_repository as pacts
from local_pact_broker.domain import urls
from local_pact_broker.domain.pact_content import content_diff
from local_pact_broker.domain.timestamps import display

router = APIRouter()


def _diff(old: str, new: str) -> PlainTextResponse:
    """The text diff of two stored contents; empty when they do not differ."""
    return PlainTextResponse(content_diff(json.loads(old), json.loads(new)))


@router.get(
    urls.PACT_VERSIONS.template,
    responses={**ok("Collection"), **NOT_FOUND},
)
def all_pact_versions(
    provider: str, consumer: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """Every pact of a consumer with a provider, newest consumer version first."""
    with db.reading() as connection:
        rows = pacts.publications_of_pair(connection, provider, consumer)
    if not rows:
        raise not_found()
    base = base_url(request)
    pair = {"provider": provider, "consumer": consumer}
    return hal(
        {
            "_embedded": {
                "pacts": [
                    {
                        "createdAt": display(row.created_at),
                        "_embedded": {"consumerVersion": {"number": row.consumer_version_number}},
                        "_links": {
                            "self": link(
                                urls.PACT.url(base, number=row.consumer_version_number, **pair),
                                "Pact",
                                pact_title(consumer, row.consumer_version_number, provider),
                            )
                        },
                    }
                    for row in reversed(rows)
                ]
            },
            "_links": {
                "self": link(urls.PACT_VERSIONS.url(base, **pair), "All versions of this pact"),
                "pb:consumer": link(urls.PACTICIPANT.url(base, name=consumer), "Consumer"),
                "pb:provider": link(urls.PACTICIPANT.url(base, name=provider), "Provider"),
            },
        }
    )


@router.get(
    urls.PACT_PREVIOUS_DISTINCT.template,
    responses={**ok("Pact"), **NOT_FOUND},
)
def previous_distinct_pact(
    provider: str, consumer: str, number: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """The newest earlier pact whose content differs (404 when this is the first content)."""
    with db.reading() as connection:
        row = pacts.previous_distinct_publication(connection, provider, consumer, number)
    if row is None:
        raise not_found()
    base = base_url(request)
    results = urls.VERIFICATION_RESULTS.url(base, provider=provider, consumer=consumer, sha=row.sha)
    return hal(pact_body(base, row, results))


@router.get(
    urls.PACT_DIFF_PREVIOUS_DISTINCT.template,
    responses={**TEXT_DIFF, **NOT_FOUND},
)
def diff_with_previous_distinct(
    provider: str, consumer: str, number: str, db: DatabaseDep
) -> PlainTextResponse:
    """What changed since the previous distinct pact (404 when this is the first content)."""
    with db.reading() as connection:
        this = pacts.publication(connection, provider, consumer, number)
        previous = pacts.previous_distinct_publication(connection, provider, consumer, number)
    if this is None or previous is None:
        raise not_found()
    return _diff(previous.content, this.content)


@router.get(
    urls.PACT_VERSION_DIFF.template,
    responses={**TEXT_DIFF, **NOT_FOUND},
)
def diff_of_pact_versions(
    provider: str, consumer: str, sha: str, other: str, db: DatabaseDep
) -> PlainTextResponse:
    """What differs between another pact content (``other``) and this one (``sha``)."""
    with db.reading() as connection:
        this = pacts.pact_content(connection, provider, consumer, sha)
        before = pacts.pact_content(connection, provider, consumer, other)
    if this is None or before is None:
        raise not_found()
    return _diff(before, this)
