"""Pacticipants, their versions, branches and tags."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from local_pact_broker.api.dependencies import DatabaseDep, JsonBodyDep
from local_pact_broker.api.errors import not_found, validation_failed
from local_pact_broker.api.hal import base_url, hal, link
from local_pact_broker.api.openapi_responses import (
    BODY_REFUSED,
    NOT_FOUND,
    json_body,
    ok,
    ok_or_created,
)
from local_pact_broker.api.representations import pacticipant_body, version_body
from local_pact_broker.api.request_body import json_object
from local_pact_broker.db import environments_repository as environments
from local_pact_broker.db import labels_repository as labels
from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db.records import BranchRecord, PacticipantRecord, VersionRecord
from local_pact_broker.db.storage import Connection, Database
from local_pact_broker.domain import urls
from local_pact_broker.domain.display_names import display_name
from local_pact_broker.domain.timestamps import display, display_date
from local_pact_broker.services import pacticipants as writes

router = APIRouter()


def _missing_pacticipant(name: str) -> Exception:
    return not_found(f"No pacticipant with name '{name}' found")


def _environment_links(
    base: str, db: Connection, version: VersionRecord
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    where = {"name": version.pacticipant, "number": version.number}
    deploy, release = [], []
    for env in environments.all_environments(db):
        label = display_name(env.name, env.display_name)
        deploy.append(
            link(
                urls.RECORD_DEPLOYMENT.url(base, uuid=env.uuid, **where),
                f"Record deployment to {label}",
                env.name,
            )
        )
        release.append(
            link(
                urls.RECORD_RELEASE.url(base, uuid=env.uuid, **where),
                f"Record release to {label}",
                env.name,
            )
        )
    return deploy, release


def _version_response(
    request: Request, db: Connection, version: VersionRecord | None, status: int = 200
) -> JSONResponse:
    if version is None:
        raise not_found()
    base = base_url(request)
    details = pacticipants.version_details(db, version)
    return hal(version_body(base, details, _environment_links(base, db, version)), status)


def pacticipant_answer_body(
    base: str, db: Connection, pacticipant: PacticipantRecord, *, listed: bool = False
) -> dict[str, Any]:
    """A pacticipant as the official shows it, with newest version and labels (also for lists)."""
    latest = pacticipants.latest_version(db, pacticipant.name)
    number = None if latest is None else latest.number
    names = [label.name for label in labels.labels_of(db, pacticipant.name)]
    return pacticipant_body(base, pacticipant, number, listed=listed, labels=names)


@router.get(
    urls.PACTICIPANTS.template,
    responses=ok("Collection"),
)
def list_pacticipants(request: Request, db: DatabaseDep) -> JSONResponse:
    """Every pacticipant."""
    base = base_url(request)
    with db.reading() as connection:
        bodies = [
            pacticipant_answer_body(base, connection, row, listed=True)
            for row in pacticipants.all_pacticipants(connection)
        ]
    return hal(
        {
            "_embedded": {"pacticipants": bodies},
            # What the official CLI's list-pacticipants table reads (S012, S013).
            "pacticipants": [
                {**b, "title": "DEPRECATED - Please use the embedded pacticipants collection"}
                for b in bodies
            ],
            "_links": {
                "self": {"href": urls.PACTICIPANTS.url(base)},
                "pb:pacticipants": [
                    link(b["_links"]["self"]["href"], "Pacticipant", b["name"]) for b in bodies
                ],
                "pacticipants": [
                    link(
                        b["_links"]["self"]["href"],
                        b["name"],
                        "DEPRECATED - please use pb:pacticipants",
                    )
                    for b in bodies
                ],
                "pb:pacticipants-with-label": link(
                    urls.PACTICIPANTS_WITH_LABEL.templated(base),
                    "Find pacticipants by label",
                    templated=True,
                ),
            },
        }
    )


def _save_pacticipant(
    request: Request, db: Database, name: str, body: dict[str, Any], created_status: int
) -> JSONResponse:
    saved, existed = writes.save_pacticipant(db, name, body)
    with db.reading() as connection:
        response = pacticipant_answer_body(base_url(request), connection, saved)
    return hal(response, 200 if existed else created_status)


@router.post(
    urls.PACTICIPANTS.template,
    responses={**ok_or_created("Pacticipant"), **BODY_REFUSED},
    openapi_extra=json_body("PacticipantRequest"),
)
def create_pacticipant(request: Request, body: JsonBodyDep, db: DatabaseDep) -> JSONResponse:
    """Create (or update) a pacticipant named in the body."""
    data = json_object(body)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise validation_failed({"name": ["is missing"]})
    return _save_pacticipant(request, db, name, data, 201)


@router.put(
    urls.PACTICIPANT.template,
    responses={**ok_or_created("Pacticipant"), **BODY_REFUSED},
    openapi_extra=json_body("PacticipantUpdate", required=False),
)
@router.patch(
    urls.PACTICIPANT.template,
    responses={**ok_or_created("Pacticipant"), **BODY_REFUSED},
    openapi_extra=json_body("PacticipantUpdate", required=False),
)
def update_pacticipant(
    name: str, request: Request, body: JsonBodyDep, db: DatabaseDep
) -> JSONResponse:
    """Create or update a pacticipant by name (``create-or-update-pacticipant``)."""
    return _save_pacticipant(request, db, name, json_object(body), 201)


@router.get(
    urls.PACTICIPANT.template,
    responses={**ok("Pacticipant"), **NOT_FOUND},
)
def get_pacticipant(name: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """One pacticipant."""
    with db.reading() as connection:
        found = pacticipants.find_pacticipant(connection, name)
        if found is None:
            raise _missing_pacticipant(name)
        return hal(pacticipant_answer_body(base_url(request), connection, found))


@router.get(
    urls.VERSIONS.template,
    responses={**ok("Collection"), **NOT_FOUND},
)
def list_versions(name: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """Every version of a pacticipant, newest first."""
    base = base_url(request)
    with db.reading() as connection:
        if pacticipants.find_pacticipant(connection, name) is None:
            raise _missing_pacticipant(name)
        bodies = [
            version_body(base, pacticipants.version_details(connection, v))
            for v in pacticipants.versions_of(connection, name)
        ]
    return hal(
        {
            "_embedded": {"versions": bodies},
            "_links": {
                "self": link(
                    urls.VERSIONS.url(base, name=name), f"All application versions of {name}"
                ),
                "pb:pacticipant": link(urls.PACTICIPANT.url(base, name=name), name),
            },
        }
    )


@router.get(
    urls.LATEST_VERSION.template,
    responses={**ok("Version"), **NOT_FOUND},
)
def get_latest_version(name: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """The newest version of a pacticipant (``describe-version``)."""
    with db.reading() as connection:
        return _version_response(request, connection, pacticipants.latest_version(connection, name))


@router.get(
    urls.LATEST_TAGGED_VERSION.template,
    responses={**ok("Version"), **NOT_FOUND},
)
def get_latest_tagged_version(
    name: str, tag: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """The newest version of a pacticipant with a tag."""
    with db.reading() as connection:
        return _version_response(
            request, connection, pacticipants.latest_version(connection, name, tag)
        )


@router.get(
    urls.VERSION.template,
    responses={**ok("Version"), **NOT_FOUND},
)
def get_version(name: str, number: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """One version, with the links to record deployments and releases."""
    with db.reading() as connection:
        return _version_response(
            request, connection, pacticipants.find_version(connection, name, number)
        )


@router.put(
    urls.VERSION.template,
    responses={**ok_or_created("Version"), **BODY_REFUSED},
    openapi_extra=json_body("VersionRequest", required=False),
)
@router.patch(
    urls.VERSION.template,
    responses={**ok_or_created("Version"), **BODY_REFUSED},
    openapi_extra=json_body("VersionRequest", required=False),
)
def put_version(
    name: str, number: str, request: Request, body: JsonBodyDep, db: DatabaseDep
) -> JSONResponse:
    """Create or update a version (``create-or-update-version``)."""
    version, created = writes.record_version(db, name, number, json_object(body))
    with db.reading() as connection:
        return _version_response(request, connection, version, 201 if created else 200)


@router.put(
    urls.BRANCH_VERSION.template,
    # 404 only for a branch the URL cannot carry (an empty segment matches no route).
    responses={**ok_or_created("BranchVersion"), **BODY_REFUSED, **NOT_FOUND},
    openapi_extra=json_body("AnyJson", required=False),
)
def put_branch_version(
    name: str,
    branch: str,
    number: str,
    request: Request,
    _body: JsonBodyDep,
    db: DatabaseDep,
) -> JSONResponse:
    """Put a version on a branch, creating pacticipant, version and branch as needed."""
    existed, created_at, updated_at = writes.put_on_branch(db, name, branch, number)
    body = _branch_version_body(base_url(request), name, branch, number, created_at, updated_at)
    # S062/S104: 200 (with updatedAt) when already there; S100/S120: 201
    return hal(body, 200 if existed else 201)


def _branch_version_body(
    base: str, name: str, branch: str, number: str, created_at: str, updated_at: str | None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "createdAt": display(created_at),
        "_links": {
            "self": link(
                urls.BRANCH_VERSION.url(base, name=name, branch=branch, number=number),
                "Branch version",
            ),
            "pb:branch": link(urls.BRANCH.url(base, name=name, branch=branch), "Branch", branch),
            "pb:version": link(urls.VERSION.url(base, name=name, number=number), "Version", number),
        },
    }
    if updated_at:
        body["updatedAt"] = display(updated_at)
    return body


@router.get(
    urls.BRANCH_LATEST_VERSION.template,
    responses={**ok("Version"), **NOT_FOUND},
)
def get_branch_latest_version(
    name: str, branch: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """The newest version of a pacticipant on a branch (the branch's ``pb:latest-version``)."""
    with db.reading() as connection:
        return _version_response(
            request, connection, pacticipants.latest_version_on_branch(connection, name, branch)
        )


@router.get(
    urls.BRANCH_VERSION.template,
    responses={**ok("BranchVersion"), **NOT_FOUND},
)
def get_branch_version(
    name: str, branch: str, number: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """A version's place on a branch: when it was put there (404 when it is not on it)."""
    with db.reading() as connection:
        version = pacticipants.find_version(connection, name, number)
        times = (
            None
            if version is None
            else pacticipants.branch_version_times(connection, version.id, branch)
        )
    if times is None:
        raise not_found()
    return hal(_branch_version_body(base_url(request), name, branch, number, *times))


@router.get(
    urls.BRANCH_VERSIONS.template,
    # 404 only for a branch the URL cannot carry (an empty segment matches no route).
    responses={**ok("Collection"), **NOT_FOUND},
)
def list_branch_versions(name: str, branch: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """Versions of a pacticipant on a branch, newest first."""
    base = base_url(request)
    with db.reading() as connection:
        rows = pacticipants.versions_on_branch(connection, name, branch)
        bodies = [version_body(base, pacticipants.version_details(connection, v)) for v in rows]
    url = urls.PACTICIPANT.url(base, name=name)
    return hal(
        {
            "_embedded": {"versions": bodies},
            "_links": {
                "self": link(
                    urls.BRANCH_VERSIONS.url(base, name=name, branch=branch),
                    f"Versions for branch {branch} of {name}",
                ),
                "pb:pacticipant": link(url, name),
                "pacticipant": link(url, "Deprecated - please use pb:pacticipant"),
                "pb:versions": [
                    link(
                        urls.VERSION.url(base, name=name, number=r.number),
                        f"Version {r.number} - {display_date(r.created_at)}",
                    )
                    for r in rows
                ],
                "versions": [
                    link(
                        urls.VERSION.url(base, name=name, number=r.number),
                        "Deprecated - please use pb:versions",
                    )
                    for r in rows
                ],
            },
        }
    )


def _branch_body(base: str, name: str, branch: BranchRecord) -> dict[str, Any]:
    """A branch as the official ``BranchDecorator`` shows it (alone or in the branch list)."""
    branch_url = urls.BRANCH.url(base, name=name, branch=branch.name)
    return {
        "name": branch.name,
        "createdAt": display(branch.created_at),
        "_links": {
            "self": link(branch_url, "Branch", branch.name),
            "pb:latest-version": link(
                urls.BRANCH_LATEST_VERSION.url(base, name=name, branch=branch.name),
                "Latest version for branch",
            ),
            "pb:versions": link(
                urls.BRANCH_VERSIONS.url(base, name=name, branch=branch.name),
                "Versions for branch",
            ),
            "pb:pacticipant": link(urls.PACTICIPANT.url(base, name=name), "Pacticipant", name),
        },
    }


@router.get(
    urls.BRANCHES.template,
    responses={**ok("Collection"), **NOT_FOUND},
)
def list_branches(name: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """The branches of a pacticipant, newest first (``pb:branches``)."""
    base = base_url(request)
    with db.reading() as connection:
        if pacticipants.find_pacticipant(connection, name) is None:
            raise _missing_pacticipant(name)
        found = pacticipants.branches_of(connection, name)
    branches_url = urls.BRANCHES.url(base, name=name)
    return hal(
        {
            "_embedded": {"branches": [_branch_body(base, name, branch) for branch in found]},
            "_links": {
                "self": link(branches_url, f"{name} branches"),
                "pb:branches": [
                    link(urls.BRANCH.url(base, name=name, branch=branch.name), None, branch.name)
                    for branch in found
                ],
            },
        }
    )


@router.get(
    urls.BRANCH.template,
    responses={**ok("Branch"), **NOT_FOUND},
)
def get_branch(name: str, branch: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """One branch of a pacticipant (``pb:pacticipant-branch``)."""
    with db.reading() as connection:
        created_at = pacticipants.branch_created_at(connection, name, branch)
    if created_at is None:
        raise not_found()
    return hal(_branch_body(base_url(request), name, BranchRecord(branch, created_at)))


@router.delete(
    urls.BRANCH.template,
    status_code=204,
    responses=NOT_FOUND,
)
def delete_branch(name: str, branch: str, db: DatabaseDep) -> Response:
    """Delete a branch and its branch-versions, keeping the versions (``delete-branch``)."""
    writes.delete_branch(db, name, branch)
    return Response(status_code=204)


@router.put(
    urls.TAG.template,
    responses={**ok_or_created("Tag"), **BODY_REFUSED},
    openapi_extra=json_body("AnyJson", required=False),
)
def put_tag(
    name: str,
    number: str,
    tag: str,
    request: Request,
    _body: JsonBodyDep,
    db: DatabaseDep,
) -> JSONResponse:
    """Tag a version, creating pacticipant and version as needed (201 new, 200 existing)."""
    base = base_url(request)
    created = writes.tag_version(db, name, number, tag)
    version = {"name": name, "number": number}
    body = {
        "name": tag,
        "_links": {
            "self": link(urls.TAG.url(base, tag=tag, **version), "Tag", tag),
            "version": link(urls.VERSION.url(base, **version), "Version", number),
            "pacticipant": link(urls.PACTICIPANT.url(base, name=name), "Pacticipant", name),
        },
    }
    return hal(body, 201 if created else 200)


@router.get(
    urls.TAG.template,
    responses={**ok("Tag"), **NOT_FOUND},
)
def get_tag(name: str, number: str, tag: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """One tag of a version."""
    with db.reading() as connection:
        version = pacticipants.find_version(connection, name, number)
        if version is None or tag not in pacticipants.tags_of_version(connection, version.id):
            raise not_found()
    url = urls.TAG.url(base_url(request), name=name, number=number, tag=tag)
    return hal({"name": tag, "_links": {"self": link(url, "Tag", tag)}})


@router.delete(
    urls.TAG.template,
    status_code=204,
    responses=NOT_FOUND,
)
def delete_tag(name: str, number: str, tag: str, db: DatabaseDep) -> Response:
    """Remove a tag from a version; 404 when it is not there (as the official broker)."""
    writes.remove_tag(db, name, number, tag)
    return Response(status_code=204)
