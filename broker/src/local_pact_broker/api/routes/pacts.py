"""Reading pacts: latest, by consumer version, branch or tag, and by content sha."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from local_pact_broker.api.dependencies import DatabaseDep
from local_pact_broker.api.errors import not_found
from local_pact_broker.api.hal import Link, base_url, curies, hal, link
from local_pact_broker.api.openapi_responses import NOT_FOUND, ok
from local_pact_broker.api.representations import embedded_pacticipant, embedded_version, pact_body
from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db import pacts_repository as pacts
from local_pact_broker.db.records import PublicationRecord, VersionRecord
from local_pact_broker.db.storage import Connection, Database
from local_pact_broker.domain import urls
from local_pact_broker.domain.pact_metadata import decode_metadata, encode_metadata
from local_pact_broker.domain.timestamps import display

router = APIRouter()


def _results_url(base: str, provider: str, consumer: str, sha: str, metadata: str | None) -> str:
    """Where verification results for this pact content go, through the metadata if any."""
    pact = {"provider": provider, "consumer": consumer, "sha": sha}
    if metadata:
        return urls.VERIFICATION_RESULTS_WITH_METADATA.url(base, metadata=metadata, **pact)
    return urls.VERIFICATION_RESULTS.url(base, **pact)


def _answer(request: Request, row: PublicationRecord | None, with_metadata: bool) -> JSONResponse:
    if row is None:
        raise not_found()
    base = base_url(request)
    metadata = encode_metadata([("cv", str(row.consumer_version_id))]) if with_metadata else None
    results_url = _results_url(base, row.provider, row.consumer, row.sha, metadata)
    return hal(pact_body(base, row, results_url))


@router.get(
    urls.LATEST_PACTS.template,
    responses=ok("Collection"),
)
def latest_pacts(request: Request, db: DatabaseDep) -> JSONResponse:
    """The newest pact of every consumer-provider pair (``list-latest-pact-versions``)."""
    base = base_url(request)
    with db.reading() as connection:
        rows = pacts.latest_publications(connection)
    entries = []
    link_list = []
    for row in rows:
        provider, consumer = row.provider, row.consumer
        number = row.consumer_version_number
        latest_url = urls.LATEST_PACT.url(base, provider=provider, consumer=consumer)
        title = f"Latest pact between {consumer} and {provider}"
        link_list.append((latest_url, title))
        consumer_body = embedded_pacticipant(base, consumer)
        consumer_body["_embedded"] = {"version": embedded_version(base, consumer, number)}
        entries.append(
            {
                "createdAt": display(row.created_at),
                "_embedded": {
                    "consumer": consumer_body,
                    "provider": embedded_pacticipant(base, provider),
                },
                "_links": {
                    "self": [
                        {"href": latest_url},
                        {
                            "href": urls.PACT.url(
                                base, provider=provider, consumer=consumer, number=number
                            )
                        },
                    ]
                },
            }
        )
    body = {
        "pacts": entries,
        "_links": {
            "self": {"href": urls.LATEST_PACTS.url(base)},
            "pb:pacts": [{"href": href, "title": title} for href, title in link_list],
            "pacts": [
                {
                    "href": href,
                    "title": title,
                    "name": "DEPRECATED - please use the pb:pacts relation",
                }
                for href, title in link_list
            ],
            "curies": curies(base, "pacts"),
        },
    }
    return hal(body)


@router.get(
    urls.LATEST_PROVIDER_PACTS.template,
    responses=ok("Collection"),
)
def latest_provider_pacts(
    provider: str,
    request: Request,
    db: DatabaseDep,
) -> JSONResponse:
    """The newest pact from each consumer of a provider."""
    base = base_url(request)
    with db.reading() as connection:
        rows = [r for r in pacts.latest_publications(connection) if r.provider == provider]
    pact_links = [_pact_link(base, provider, r) for r in rows]
    return hal(
        {
            "_links": {
                "self": link(
                    urls.LATEST_PROVIDER_PACTS.url(base, provider=provider), "Latest pact versions"
                ),
                "pb:provider": link(urls.PACTICIPANT.url(base, name=provider), None, provider),
                "pb:pacts": pact_links,
            }
        }
    )


def _pact_link(base: str, provider: str, row: PublicationRecord) -> Link:
    """A link to one consumer version's pact, titled as the official broker titles it."""
    consumer, version = row.consumer, row.consumer_version_number
    return link(
        urls.PACT.url(base, provider=provider, consumer=consumer, number=version),
        f"Pact between {consumer} ({version}) and {provider}",
        consumer,
    )


def _provider_pacts_for_branch(
    request: Request, db: Database, provider: str, branch: str | None, latest: bool = False
) -> JSONResponse:
    """Pacts from consumer versions on a branch (``None``: each consumer's main branch).

    ``latest``: only the newest of each consumer. Titled as the official broker titles them.
    """
    base = base_url(request)
    with db.reading() as connection:
        if pacticipants.find_pacticipant(connection, provider) is None:
            raise not_found()
        rows = pacts.publications_for_provider_on_branch(connection, provider, branch)
    if latest:  # rows are by consumer, oldest version first: keep each consumer's last
        rows = list({row.consumer: row for row in rows}.values())
    resource, suffix = {
        (False, False): (urls.PROVIDER_PACTS_WITH_MAIN_BRANCH, ""),
        (False, True): (urls.LATEST_PROVIDER_PACTS_WITH_MAIN_BRANCH, ""),
        (True, False): (
            urls.PROVIDER_PACTS_WITH_BRANCH,
            f" with consumer version branch '{branch}'",
        ),
        (True, True): (
            urls.LATEST_PROVIDER_PACTS_WITH_BRANCH,
            f" with consumer version branch '{branch}'",
        ),
    }[(branch is not None, latest)]
    url = resource.url(base, provider=provider, **({} if branch is None else {"branch": branch}))
    if latest:
        title = f"Latest pact versions for the provider {provider}{suffix}"
    else:
        title = f"All pact versions for the provider {provider}{suffix}"
    pact_links = [_pact_link(base, provider, r) for r in rows]
    provider_link = link(urls.PACTICIPANT.url(base, name=provider), None, provider)
    return hal(
        {
            "_links": {
                "self": link(url, title),
                "pb:provider": provider_link,
                "pb:pacts": pact_links,
                "provider": provider_link,
                "pacts": pact_links,
            }
        }
    )


@router.get(
    urls.PROVIDER_PACTS_WITH_MAIN_BRANCH.template,
    responses={**ok("Collection"), **NOT_FOUND},
)
def provider_pacts_for_main_branches(
    provider: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """All pacts for a provider from each consumer's main branch (``get-pacts``, no branch)."""
    return _provider_pacts_for_branch(request, db, provider, None)


@router.get(
    urls.LATEST_PROVIDER_PACTS_WITH_MAIN_BRANCH.template,
    responses={**ok("Collection"), **NOT_FOUND},
)
def latest_provider_pacts_for_main_branches(
    provider: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """The newest pact from each consumer's main branch."""
    return _provider_pacts_for_branch(request, db, provider, None, latest=True)


@router.get(
    urls.LATEST_PROVIDER_PACTS_WITH_BRANCH.template,
    responses={**ok("Collection"), **NOT_FOUND},
)
def latest_provider_pacts_for_branch(
    provider: str, branch: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """The newest pact from each consumer on a branch (``pb:latest-provider-pacts-with-branch``)."""
    return _provider_pacts_for_branch(request, db, provider, branch, latest=True)


@router.get(
    urls.PROVIDER_PACTS_WITH_BRANCH.template,
    responses={**ok("Collection"), **NOT_FOUND},
)
def provider_pacts_for_branch(
    provider: str, branch: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """All pacts for a provider from consumer versions on a named branch (``get-pacts``)."""
    return _provider_pacts_for_branch(request, db, provider, branch)


@router.get(
    urls.LATEST_PACT.template,
    responses={**ok("Pact"), **NOT_FOUND},
)
def latest_pact(
    provider: str,
    consumer: str,
    request: Request,
    db: DatabaseDep,
) -> JSONResponse:
    """The pact of the newest consumer version."""
    with db.reading() as connection:
        row = pacts.latest_publication(connection, provider, consumer)
    return _answer(request, row, with_metadata=True)


@router.get(
    urls.LATEST_UNTAGGED_PACT.template,
    responses={**ok("Pact"), **NOT_FOUND},
)
def latest_untagged_pact(
    provider: str,
    consumer: str,
    request: Request,
    db: DatabaseDep,
) -> JSONResponse:
    """The pact of the newest consumer version without tags."""
    with db.reading() as connection:
        row = pacts.latest_publication(connection, provider, consumer, untagged=True)
    return _answer(request, row, with_metadata=True)


@router.get(
    urls.LATEST_TAGGED_PACT.template,
    responses={**ok("Pact"), **NOT_FOUND},
)
def latest_tagged_pact(
    provider: str,
    consumer: str,
    tag: str,
    request: Request,
    db: DatabaseDep,
) -> JSONResponse:
    """The pact of the newest consumer version with a tag."""
    with db.reading() as connection:
        row = pacts.latest_publication(connection, provider, consumer, tag=tag)
    return _answer(request, row, with_metadata=True)


@router.get(
    urls.LATEST_BRANCH_PACT.template,
    responses={**ok("Pact"), **NOT_FOUND},
)
def latest_branch_pact(
    provider: str,
    consumer: str,
    branch: str,
    request: Request,
    db: DatabaseDep,
) -> JSONResponse:
    """The pact of the newest consumer version on a branch."""
    with db.reading() as connection:
        row = pacts.latest_publication(connection, provider, consumer, branch=branch)
    return _answer(request, row, with_metadata=True)


@router.get(
    urls.PACT.template,
    responses={**ok("Pact"), **NOT_FOUND},
)
def pact_by_version(
    provider: str,
    consumer: str,
    number: str,
    request: Request,
    db: DatabaseDep,
) -> JSONResponse:
    """The pact a consumer version published."""
    with db.reading() as connection:
        row = pacts.publication(connection, provider, consumer, number)
    return _answer(request, row, with_metadata=False)


def _metadata_versions(
    db: Connection, consumer: str, metadata: str | None
) -> list[VersionRecord] | None:
    """The consumer versions a ``metadata/{m}`` segment names, oldest first; ``None``: none.

    As the official broker: the versions of the selectors (``s[][cv]``) that picked the pact,
    or the one version (``cv``, ``cvn``) of a pact URL; a WIP pact's (``w``) names none.
    """
    pairs = decode_metadata(metadata or "")
    keys = {key for key, _ in pairs}
    found: list[VersionRecord | None]
    if any(key.startswith("s[]") for key in keys):
        ids = [value for key, value in pairs if key == "s[][cv]"]
        found = [
            pacticipants.version_of_pacticipant(db, consumer, value) for value in dict.fromkeys(ids)
        ]
    elif "cv" in keys:
        found = [pacticipants.version_of_pacticipant(db, consumer, dict(pairs)["cv"])]
    elif "cvn" in keys:
        found = [pacticipants.find_version(db, consumer, dict(pairs)["cvn"])]
    else:
        return None
    return sorted((row for row in found if row is not None), key=lambda row: row.id)


def _by_sha(
    request: Request, db: Database, provider: str, consumer: str, sha: str, metadata: str | None
) -> JSONResponse:
    with db.reading() as connection:
        rows = pacts.publications_by_sha(connection, provider, consumer, sha)
        versions = _metadata_versions(connection, consumer, metadata)
    if not rows:
        raise not_found()
    base = base_url(request)
    results_url = _results_url(base, provider, consumer, sha, metadata)
    numbers = None if versions is None else [v.number for v in reversed(versions)]
    return hal(pact_body(base, rows[0], results_url, consumer_versions=numbers))


@router.get(
    urls.PACT_VERSION.template,
    responses={**ok("Pact"), **NOT_FOUND},
)
def pact_by_sha(
    provider: str,
    consumer: str,
    sha: str,
    request: Request,
    db: DatabaseDep,
) -> JSONResponse:
    """A pact content by its permalink."""
    return _by_sha(request, db, provider, consumer, sha, None)


@router.get(
    urls.PACT_VERSION_WITH_METADATA.template,
    responses={**ok("Pact"), **NOT_FOUND},
)
def pact_by_sha_with_metadata(
    provider: str,
    consumer: str,
    sha: str,
    metadata: str,
    request: Request,
    db: DatabaseDep,
) -> JSONResponse:
    """A pact content as linked from ``for-verification``; results go back with the metadata."""
    return _by_sha(request, db, provider, consumer, sha, metadata)
