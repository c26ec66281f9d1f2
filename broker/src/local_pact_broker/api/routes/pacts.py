"""Reading pacts: latest, by consumer version, branch or tag, and by content sha."""

import sqlite3

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from local_pact_broker.api.dependencies import DatabaseDep
from local_pact_broker.api.errors import not_found
from local_pact_broker.api.hal import Link, base_url, curies, hal, link, segment
from local_pact_broker.api.openapi_responses import NOT_FOUND, ok
from local_pact_broker.api.representations import (
    embedded_pacticipant,
    embedded_version,
    pact_body,
    pact_url,
    pact_version_url,
)
from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db import pacts_repository as pacts
from local_pact_broker.db.storage import Database
from local_pact_broker.domain.pact_metadata import decode_metadata, encode_metadata
from local_pact_broker.domain.timestamps import display

router = APIRouter()
PAIR = "/pacts/provider/{provider}/consumer/{consumer}"


def _results_url(permalink: str, metadata: str | None) -> str:
    """Where verification results for this pact content go, through the metadata if any."""
    if metadata:
        return f"{permalink}/metadata/{metadata}/verification-results"
    return f"{permalink}/verification-results"


def _answer(request: Request, row: sqlite3.Row | None, with_metadata: bool) -> JSONResponse:
    if row is None:
        raise not_found()
    base = base_url(request)
    permalink = pact_version_url(base, row["provider_name"], row["consumer_name"], row["sha"])
    metadata = encode_metadata([("cv", str(row["consumer_version_id"]))]) if with_metadata else None
    return hal(pact_body(base, row, _results_url(permalink, metadata)))


@router.get(
    "/pacts/latest",
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
        provider, consumer = row["provider_name"], row["consumer_name"]
        number = row["consumer_version_number"]
        latest_url = f"{base}/pacts/provider/{provider}/consumer/{consumer}/latest"
        title = f"Latest pact between {consumer} and {provider}"
        link_list.append((latest_url, title))
        consumer_body = embedded_pacticipant(base, consumer)
        consumer_body["_embedded"] = {"version": embedded_version(base, consumer, number)}
        entries.append(
            {
                "createdAt": display(row["created_at"]),
                "_embedded": {
                    "consumer": consumer_body,
                    "provider": embedded_pacticipant(base, provider),
                },
                "_links": {
                    "self": [
                        {"href": latest_url},
                        {"href": pact_url(base, provider, consumer, number)},
                    ]
                },
            }
        )
    body = {
        "pacts": entries,
        "_links": {
            "self": {"href": f"{base}/pacts/latest"},
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
    "/pacts/provider/{provider}/latest",
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
        rows = [r for r in pacts.latest_publications(connection) if r["provider_name"] == provider]
    pact_links = [_pact_link(base, provider, r) for r in rows]
    return hal(
        {
            "_links": {
                "self": link(f"{base}/pacts/provider/{provider}/latest", "Latest pact versions"),
                "pb:provider": link(f"{base}/pacticipants/{provider}", None, provider),
                "pb:pacts": pact_links,
            }
        }
    )


def _pact_link(base: str, provider: str, row: sqlite3.Row) -> Link:
    """A link to one consumer version's pact, titled as the official broker titles it."""
    consumer, version = row["consumer_name"], row["consumer_version_number"]
    return link(
        pact_url(base, provider, consumer, version),
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
        rows = list({row["consumer_name"]: row for row in rows}.values())
    url = f"{base}/pacts/provider/{segment(provider)}/branch"
    suffix = ""
    if branch is not None:
        url += f"/{segment(branch)}"
        suffix = f" with consumer version branch '{branch}'"
    if latest:
        url += "/latest"
        title = f"Latest pact versions for the provider {provider}{suffix}"
    else:
        title = f"All pact versions for the provider {provider}{suffix}"
    pact_links = [_pact_link(base, provider, r) for r in rows]
    return hal(
        {
            "_links": {
                "self": link(url, title),
                "pb:provider": link(f"{base}/pacticipants/{segment(provider)}", None, provider),
                "pb:pacts": pact_links,
                "provider": link(f"{base}/pacticipants/{segment(provider)}", None, provider),
                "pacts": pact_links,
            }
        }
    )


@router.get(
    "/pacts/provider/{provider}/branch",
    responses={**ok("Collection"), **NOT_FOUND},
)
def provider_pacts_for_main_branches(
    provider: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """All pacts for a provider from each consumer's main branch (``get-pacts``, no branch)."""
    return _provider_pacts_for_branch(request, db, provider, None)


@router.get(
    "/pacts/provider/{provider}/branch/latest",
    responses={**ok("Collection"), **NOT_FOUND},
)
def latest_provider_pacts_for_main_branches(
    provider: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """The newest pact from each consumer's main branch."""
    return _provider_pacts_for_branch(request, db, provider, None, latest=True)


@router.get(
    "/pacts/provider/{provider}/branch/{branch:path}/latest",
    responses={**ok("Collection"), **NOT_FOUND},
)
def latest_provider_pacts_for_branch(
    provider: str, branch: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """The newest pact from each consumer on a branch (``pb:latest-provider-pacts-with-branch``)."""
    return _provider_pacts_for_branch(request, db, provider, branch, latest=True)


@router.get(
    "/pacts/provider/{provider}/branch/{branch:path}",
    responses={**ok("Collection"), **NOT_FOUND},
)
def provider_pacts_for_branch(
    provider: str, branch: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """All pacts for a provider from consumer versions on a named branch (``get-pacts``)."""
    return _provider_pacts_for_branch(request, db, provider, branch)


@router.get(
    PAIR + "/latest",
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
    PAIR + "/latest-untagged",
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
    PAIR + "/latest/{tag}",
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
    PAIR + "/branch/{branch:path}/latest",
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
    PAIR + "/version/{number}",
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
    db: sqlite3.Connection, consumer: str, metadata: str | None
) -> list[sqlite3.Row] | None:
    """The consumer versions a ``metadata/{m}`` segment names, oldest first; ``None``: none.

    As the official broker: the versions of the selectors (``s[][cv]``) that picked the pact,
    or the one version (``cv``, ``cvn``) of a pact URL; a WIP pact's (``w``) names none.
    """
    pairs = decode_metadata(metadata or "")
    keys = {key for key, _ in pairs}
    found: list[sqlite3.Row | None]
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
    return sorted((row for row in found if row is not None), key=lambda row: int(row["id"]))


def _by_sha(
    request: Request, db: Database, provider: str, consumer: str, sha: str, metadata: str | None
) -> JSONResponse:
    with db.reading() as connection:
        rows = pacts.publications_by_sha(connection, provider, consumer, sha)
        versions = _metadata_versions(connection, consumer, metadata)
    if not rows:
        raise not_found()
    base = base_url(request)
    results_url = _results_url(pact_version_url(base, provider, consumer, sha), metadata)
    numbers = None if versions is None else [str(v["number"]) for v in reversed(versions)]
    return hal(pact_body(base, rows[0], results_url, consumer_versions=numbers))


@router.get(
    PAIR + "/pact-version/{sha}",
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
    PAIR + "/pact-version/{sha}/metadata/{metadata}",
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
