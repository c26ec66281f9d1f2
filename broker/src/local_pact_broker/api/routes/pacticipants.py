"""Pacticipants, their versions, branches and tags."""

import sqlite3
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from local_pact_broker.api.dependencies import DatabaseDep, JsonBodyDep
from local_pact_broker.api.errors import not_found, validation_failed
from local_pact_broker.api.hal import base_url, hal, link, segment
from local_pact_broker.api.openapi_responses import (
    BODY_REFUSED,
    NOT_FOUND,
    json_body,
    ok,
    ok_or_created,
)
from local_pact_broker.api.representations import (
    pacticipant_body,
    pacticipant_url,
    version_body,
    version_url,
)
from local_pact_broker.api.request_body import json_object
from local_pact_broker.db import environments_repository as environments
from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db.storage import Database
from local_pact_broker.domain.body_fields import list_field_errors, text_field_errors
from local_pact_broker.domain.display_names import display_name
from local_pact_broker.domain.timestamps import display, display_date

router = APIRouter()


def _missing_pacticipant(name: str) -> Exception:
    return not_found(f"No pacticipant with name '{name}' found")


def _environment_links(
    base: str, db: sqlite3.Connection, version: sqlite3.Row
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    url = version_url(base, version["pacticipant_name"], version["number"])
    deploy, release = [], []
    for env in environments.all_environments(db):
        label = display_name(env["name"], env["display_name"])
        deploy.append(
            link(
                f"{url}/deployed-versions/environment/{env['uuid']}",
                f"Record deployment to {label}",
                env["name"],
            )
        )
        release.append(
            link(
                f"{url}/released-versions/environment/{env['uuid']}",
                f"Record release to {label}",
                env["name"],
            )
        )
    return deploy, release


def _version_response(
    request: Request, db: sqlite3.Connection, version: sqlite3.Row | None, status: int = 200
) -> JSONResponse:
    if version is None:
        raise not_found()
    base = base_url(request)
    return hal(version_body(base, db, version, _environment_links(base, db, version)), status)


@router.get(
    "/pacticipants",
    responses=ok("Collection"),
)
def list_pacticipants(request: Request, db: DatabaseDep) -> JSONResponse:
    """Every pacticipant."""
    base = base_url(request)
    with db.reading() as connection:
        bodies = [
            pacticipant_body(base, connection, row, listed=True)
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
                "self": {"href": f"{base}/pacticipants"},
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
                    f"{base}/pacticipants/label/{{label}}",
                    "Find pacticipants by label",
                    templated=True,
                ),
            },
        }
    )


def _save_pacticipant(
    request: Request, db: Database, name: str, body: dict[str, Any], created_status: int
) -> JSONResponse:
    if errors := text_field_errors(body, "mainBranch", "displayName", "repositoryUrl"):
        raise validation_failed(errors)
    with db.writing() as connection:
        existed = pacticipants.find_pacticipant(connection, name) is not None
        row = pacticipants.ensure_pacticipant(connection, name)
        pacticipants.update_pacticipant(
            connection,
            row["id"],
            main_branch=body.get("mainBranch"),
            display_name=body.get("displayName"),
            repository_url=body.get("repositoryUrl"),
            touch=existed,  # fields given at creation are not an update
        )
        updated = pacticipants.find_pacticipant(connection, name)
        assert updated is not None  # noqa: S101
        response = pacticipant_body(base_url(request), connection, updated)
    return hal(response, 200 if existed else created_status)


@router.post(
    "/pacticipants",
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
    "/pacticipants/{name}",
    responses={**ok_or_created("Pacticipant"), **BODY_REFUSED},
    openapi_extra=json_body("PacticipantUpdate", required=False),
)
@router.patch(
    "/pacticipants/{name}",
    responses={**ok_or_created("Pacticipant"), **BODY_REFUSED},
    openapi_extra=json_body("PacticipantUpdate", required=False),
)
def update_pacticipant(
    name: str, request: Request, body: JsonBodyDep, db: DatabaseDep
) -> JSONResponse:
    """Create or update a pacticipant by name (``create-or-update-pacticipant``)."""
    return _save_pacticipant(request, db, name, json_object(body), 201)


@router.get(
    "/pacticipants/{name}",
    responses={**ok("Pacticipant"), **NOT_FOUND},
)
def get_pacticipant(name: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """One pacticipant."""
    with db.reading() as connection:
        row = pacticipants.find_pacticipant(connection, name)
        if row is None:
            raise _missing_pacticipant(name)
        return hal(pacticipant_body(base_url(request), connection, row))


@router.get(
    "/pacticipants/{name}/versions",
    responses={**ok("Collection"), **NOT_FOUND},
)
def list_versions(name: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """Every version of a pacticipant, newest first."""
    base = base_url(request)
    with db.reading() as connection:
        if pacticipants.find_pacticipant(connection, name) is None:
            raise _missing_pacticipant(name)
        bodies = [
            version_body(base, connection, v) for v in pacticipants.versions_of(connection, name)
        ]
    return hal(
        {
            "_embedded": {"versions": bodies},
            "_links": {
                "self": link(
                    f"{pacticipant_url(base, name)}/versions", f"All application versions of {name}"
                ),
                "pb:pacticipant": link(pacticipant_url(base, name), name),
            },
        }
    )


@router.get(
    "/pacticipants/{name}/latest-version",
    responses={**ok("Version"), **NOT_FOUND},
)
def get_latest_version(name: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """The newest version of a pacticipant (``describe-version``)."""
    with db.reading() as connection:
        return _version_response(request, connection, pacticipants.latest_version(connection, name))


@router.get(
    "/pacticipants/{name}/latest-version/{tag}",
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
    "/pacticipants/{name}/versions/{number}",
    responses={**ok("Version"), **NOT_FOUND},
)
def get_version(name: str, number: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """One version, with the links to record deployments and releases."""
    with db.reading() as connection:
        return _version_response(
            request, connection, pacticipants.find_version(connection, name, number)
        )


@router.put(
    "/pacticipants/{name}/versions/{number}",
    responses={**ok_or_created("Version"), **BODY_REFUSED},
    openapi_extra=json_body("VersionRequest", required=False),
)
@router.patch(
    "/pacticipants/{name}/versions/{number}",
    responses={**ok_or_created("Version"), **BODY_REFUSED},
    openapi_extra=json_body("VersionRequest", required=False),
)
def put_version(
    name: str, number: str, request: Request, body: JsonBodyDep, db: DatabaseDep
) -> JSONResponse:
    """Create or update a version (``create-or-update-version``)."""
    data = json_object(body)
    if errors := list_field_errors(data, "tags", dict, "tag objects"):
        raise validation_failed(errors)
    with db.writing() as connection:
        pacticipant = pacticipants.ensure_pacticipant(connection, name)
        build_url = data.get("buildUrl") if isinstance(data.get("buildUrl"), str) else None
        version, created = pacticipants.ensure_version(
            connection, pacticipant, number, build_url, updated=True
        )
        if not created:
            pacticipants.touch_version(connection, version["id"])
        branch = data.get("branch")
        if isinstance(branch, str) and branch:
            pacticipants.add_branch_version(connection, version, branch)
        for tag in data.get("tags") or []:
            if isinstance(tag, dict) and isinstance(tag.get("name"), str):
                pacticipants.add_tag(connection, version["id"], tag["name"])
        return _version_response(request, connection, version, 201 if created else 200)


@router.put(
    "/pacticipants/{name}/branches/{branch:path}/versions/{number}",
    # 404 only for a branch the URL cannot carry: Starlette's ``path`` matches no line break.
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
    base = base_url(request)
    with db.writing() as connection:
        pacticipant = pacticipants.ensure_pacticipant(connection, name)
        version, _ = pacticipants.ensure_version(connection, pacticipant, number, updated=True)
        existed = branch in {
            str(b["name"]) for b in pacticipants.branches_of_version(connection, version["id"])
        }
        pacticipants.add_branch_version(connection, version, branch)
        created_at, updated_at = connection.execute(
            "SELECT bv.created_at, bv.updated_at FROM branch_versions bv"
            " JOIN branches b ON b.id = bv.branch_id WHERE bv.version_id = ? AND b.name = ?",
            (version["id"], branch),
        ).fetchone()
    branch_url = f"{pacticipant_url(base, name)}/branches/{segment(branch)}"
    body: dict[str, Any] = {
        "createdAt": display(created_at),
        "_links": {
            "self": link(f"{branch_url}/versions/{segment(number)}", "Branch version"),
            "pb:branch": link(branch_url, "Branch", branch),
            "pb:version": link(version_url(base, name, number), "Version", number),
        },
    }
    if updated_at:
        body["updatedAt"] = display(updated_at)
    # S062/S104: 200 (with updatedAt) when already there; S100/S120: 201
    return hal(body, 200 if existed else 201)


@router.get(
    "/pacticipants/{name}/branches/{branch:path}/versions",
    # 404 only for a branch the URL cannot carry: Starlette's ``path`` matches no line break.
    responses={**ok("Collection"), **NOT_FOUND},
)
def list_branch_versions(name: str, branch: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """Versions of a pacticipant on a branch, newest first."""
    base = base_url(request)
    with db.reading() as connection:
        rows = pacticipants.versions_on_branch(connection, name, branch)
        bodies = [version_body(base, connection, v) for v in rows]
    url = pacticipant_url(base, name)
    return hal(
        {
            "_embedded": {"versions": bodies},
            "_links": {
                "self": link(
                    f"{url}/branches/{segment(branch)}/versions",
                    f"Versions for branch {branch} of {name}",
                ),
                "pb:pacticipant": link(url, name),
                "pacticipant": link(url, "Deprecated - please use pb:pacticipant"),
                "pb:versions": [
                    link(
                        version_url(base, name, r["number"]),
                        f"Version {r['number']} - {display_date(r['created_at'])}",
                    )
                    for r in rows
                ],
                "versions": [
                    link(
                        version_url(base, name, r["number"]), "Deprecated - please use pb:versions"
                    )
                    for r in rows
                ],
            },
        }
    )


@router.get(
    "/pacticipants/{name}/branches/{branch:path}",
    responses={**ok("Branch"), **NOT_FOUND},
)
def get_branch(name: str, branch: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """One branch of a pacticipant (``pb:pacticipant-branch``)."""
    base = base_url(request)
    with db.reading() as connection:
        created_at = pacticipants.branch_created_at(connection, name, branch)
    if created_at is None:
        raise not_found()
    url = pacticipant_url(base, name)
    branch_url = f"{url}/branches/{segment(branch)}"
    return hal(
        {
            "name": branch,
            "createdAt": display(created_at),
            "_links": {
                "self": link(branch_url, "Branch", branch),
                "pb:latest-version": link(
                    f"{branch_url}/latest-version", "Latest version for branch"
                ),
                "pb:versions": link(f"{branch_url}/versions", "Versions for branch"),
                "pb:pacticipant": link(url, "Pacticipant", name),
            },
        }
    )


@router.delete(
    "/pacticipants/{name}/branches/{branch:path}",
    status_code=204,
    responses=NOT_FOUND,
)
def delete_branch(name: str, branch: str, db: DatabaseDep) -> Response:
    """Delete a branch and its branch-versions, keeping the versions (``delete-branch``)."""
    with db.writing() as connection:
        deleted = pacticipants.delete_branch(connection, name, branch)
    if not deleted:
        raise not_found()
    return Response(status_code=204)


@router.put(
    "/pacticipants/{name}/versions/{number}/tags/{tag}",
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
    with db.writing() as connection:
        pacticipant = pacticipants.ensure_pacticipant(connection, name)
        version, _ = pacticipants.ensure_version(connection, pacticipant, number, updated=True)
        created = pacticipants.add_tag(connection, version["id"], tag)
    url = f"{version_url(base, name, number)}/tags/{segment(tag)}"
    body = {
        "name": tag,
        "_links": {
            "self": link(url, "Tag", tag),
            "version": link(version_url(base, name, number), "Version", number),
            "pacticipant": link(pacticipant_url(base, name), "Pacticipant", name),
        },
    }
    return hal(body, 201 if created else 200)


@router.get(
    "/pacticipants/{name}/versions/{number}/tags/{tag}",
    responses={**ok("Tag"), **NOT_FOUND},
)
def get_tag(name: str, number: str, tag: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """One tag of a version."""
    with db.reading() as connection:
        version = pacticipants.find_version(connection, name, number)
        if version is None or tag not in pacticipants.tags_of_version(connection, version["id"]):
            raise not_found()
    url = f"{version_url(base_url(request), name, number)}/tags/{segment(tag)}"
    return hal({"name": tag, "_links": {"self": link(url, "Tag", tag)}})


@router.delete(
    "/pacticipants/{name}/versions/{number}/tags/{tag}",
    status_code=204,
    responses=NOT_FOUND,
)
def delete_tag(name: str, number: str, tag: str, db: DatabaseDep) -> Response:
    """Remove a tag from a version; 404 when it is not there (as the official broker)."""
    with db.writing() as connection:
        version = pacticipants.find_version(connection, name, number)
        if version is None:
            raise not_found()
        deleted = connection.execute(
            "DELETE FROM tags WHERE version_id = ? AND name = ?", (version["id"], tag)
        ).rowcount
    if not deleted:
        raise not_found()
    return Response(status_code=204)
