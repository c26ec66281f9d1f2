"""Environments, and recording deployments and releases of versions to them."""

import json
import sqlite3
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from local_pact_broker.api.dependencies import DatabaseDep, JsonBodyDep
from local_pact_broker.api.errors import not_found, validation_failed
from local_pact_broker.api.hal import base_url, hal, link
from local_pact_broker.api.openapi_responses import (
    BODY_REFUSED,
    NOT_FOUND,
    created,
    json_body,
    ok,
    ok_or_created,
)
from local_pact_broker.api.representations import embedded_pacticipant, embedded_version
from local_pact_broker.api.request_body import json_object
from local_pact_broker.db import environments_repository as environments
from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.domain.body_fields import text_field_errors
from local_pact_broker.domain.display_names import display_name
from local_pact_broker.domain.limits import name_problems
from local_pact_broker.domain.timestamps import display

router = APIRouter()


def environment_body(base: str, env: sqlite3.Row) -> dict[str, Any]:
    """One environment, as the official broker shows it."""
    url = f"{base}/environments/{env['uuid']}"
    label = display_name(env["name"], env["display_name"])
    body: dict[str, Any] = {
        "uuid": env["uuid"],
        "name": env["name"],
        "production": bool(env["production"]),
        "createdAt": display(env["created_at"]),
        "_links": {
            "self": link(url, "Environment", env["name"]),
            "pb:currently-deployed-deployed-versions": link(
                f"{url}/deployed-versions/currently-deployed",
                f"Versions currently deployed to {label} environment",
            ),
            "pb:currently-supported-released-versions": link(
                f"{url}/released-versions/currently-supported",
                f"Versions released and supported in {label} environment",
            ),
            "pb:environments": link(f"{base}/environments", "Environments"),
        },
    }
    body["displayName"] = display_name(env["name"], env["display_name"])
    if env["contacts"]:
        body["contacts"] = json.loads(env["contacts"])
    if env["updated_at"] != env["created_at"]:  # as the official: only once updated
        body["updatedAt"] = display(env["updated_at"])
    return body


def _validate(db: sqlite3.Connection, body: dict[str, Any], current_id: int | None) -> None:
    name = body.get("name")
    errors: dict[str, list[str]] = {}
    if not isinstance(name, str) or not name.strip():
        errors["name"] = ["is missing"]
    elif " " in name:
        errors["name"] = ["cannot contain spaces"]
    elif problems := name_problems(name):
        errors["name"] = problems
    else:
        existing = environments.find_environment(db, name=name)
        if existing is not None and existing["id"] != current_id:
            errors["name"] = [f"name '{name}' is already used by an existing environment."]
    if not isinstance(body.get("production", False), bool):
        errors["production"] = ["must be true or false"]
    contacts = body.get("contacts")
    if contacts is not None and not (
        isinstance(contacts, list) and all(isinstance(c, dict) for c in contacts)
    ):
        errors["contacts"] = ['must be a list of objects such as {"name": "Ops"}']
    elif contacts is not None:
        # As the official broker, a contact is its name and details; other keys are dropped.
        body["contacts"] = [{k: c[k] for k in ("name", "details") if k in c} for c in contacts]
    errors.update(text_field_errors(body, "displayName"))
    if errors:
        raise validation_failed(errors)


@router.get(
    "/environments",
    responses=ok("Collection"),
)
def list_environments(request: Request, db: DatabaseDep) -> JSONResponse:
    """Every environment."""
    base = base_url(request)
    with db.reading() as connection:
        bodies = [environment_body(base, e) for e in environments.all_environments(connection)]
    return hal(
        {
            "_embedded": {"environments": bodies},
            "_links": {
                "self": link(f"{base}/environments", "Environments"),
                "pb:environments": [b["_links"]["self"] for b in bodies],
            },
        }
    )


@router.post(
    "/environments",
    status_code=201,
    responses={**created("Environment"), **BODY_REFUSED},
    openapi_extra=json_body("EnvironmentRequest"),
)
def create_environment(request: Request, body: JsonBodyDep, db: DatabaseDep) -> JSONResponse:
    """Create an environment (``create-environment``)."""
    data = json_object(body)
    with db.writing() as connection:
        _validate(connection, data, None)
        env = environments.create_environment(connection, data)
    return hal(environment_body(base_url(request), env), 201)


def _environment(db: sqlite3.Connection, uuid: str) -> sqlite3.Row:
    env = environments.find_environment(db, uuid_=uuid)
    if env is None:
        raise not_found()
    return env


@router.get(
    "/environments/{uuid}",
    responses={**ok("Environment"), **NOT_FOUND},
)
def get_environment(uuid: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """One environment."""
    with db.reading() as connection:
        return hal(environment_body(base_url(request), _environment(connection, uuid)))


@router.put(
    "/environments/{uuid}",
    responses={**ok_or_created("Environment"), **BODY_REFUSED},
    openapi_extra=json_body("EnvironmentRequest"),
)
def put_environment(
    uuid: str, request: Request, body: JsonBodyDep, db: DatabaseDep
) -> JSONResponse:
    """Create or replace an environment."""
    data = json_object(body)
    with db.writing() as connection:
        env = environments.find_environment(connection, uuid_=uuid)
        _validate(connection, data, env["id"] if env else None)
        if env is None:
            env = environments.create_environment(connection, data, uuid)
            status = 201
        else:
            environments.update_environment(connection, env["id"], data)
            env = _environment(connection, uuid)
            status = 200
    return hal(environment_body(base_url(request), env), status)


@router.delete(
    "/environments/{uuid}",
    status_code=204,
    responses=NOT_FOUND,
)
def delete_environment(uuid: str, db: DatabaseDep) -> Response:
    """Delete an environment."""
    with db.writing() as connection:
        environments.delete_environment(connection, _environment(connection, uuid)["id"])
    return Response(status_code=204)


def _deployed_json(base: str, row: sqlite3.Row) -> dict[str, Any]:
    body: dict[str, Any] = {
        "uuid": row["uuid"],
        "currentlyDeployed": row["undeployed_at"] is None,
        "createdAt": display(row["created_at"]),
        "_embedded": {
            "pacticipant": embedded_pacticipant(base, row["pacticipant_name"]),
            "version": embedded_version(base, row["pacticipant_name"], row["number"]),
        },
        "_links": {"self": {"href": f"{base}/deployed-versions/{row['uuid']}"}},
    }
    if row["application_instance"]:
        body["applicationInstance"] = row["application_instance"]
        body["target"] = row["application_instance"]  # the official's deprecated name for it
    if row["undeployed_at"]:
        body["undeployedAt"] = display(row["undeployed_at"])
    return body


@router.get(
    "/environments/{uuid}/deployed-versions/currently-deployed",
    responses={**ok("Collection"), **NOT_FOUND},
)
def currently_deployed(uuid: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """Versions currently deployed to an environment."""
    base = base_url(request)
    with db.reading() as connection:
        env = _environment(connection, uuid)
        rows = environments.deployed_versions(connection, env["id"])
    label = display_name(env["name"], env["display_name"])
    return hal(
        {
            "_embedded": {"deployedVersions": [_deployed_json(base, r) for r in rows]},
            "_links": {
                "self": link(
                    f"{base}/environments/{uuid}/deployed-versions/currently-deployed",
                    f"Currently deployed versions for {label}",
                )
            },
        }
    )


def _released_json(base: str, row: sqlite3.Row) -> dict[str, Any]:
    body: dict[str, Any] = {
        "uuid": row["uuid"],
        "currentlySupported": row["support_ended_at"] is None,
        "createdAt": display(row["created_at"]),
        "_embedded": {
            "pacticipant": embedded_pacticipant(base, row["pacticipant_name"]),
            "version": embedded_version(base, row["pacticipant_name"], row["number"]),
        },
        "_links": {"self": {"href": f"{base}/released-versions/{row['uuid']}"}},
    }
    if row["support_ended_at"]:
        body["supportEndedAt"] = display(row["support_ended_at"])
    return body


@router.get(
    "/environments/{uuid}/released-versions/currently-supported",
    responses={**ok("Collection"), **NOT_FOUND},
)
def currently_supported(
    uuid: str,
    request: Request,
    db: DatabaseDep,
    pacticipant: str | None = None,
    version: str | None = None,
) -> JSONResponse:
    """Versions released and still supported in an environment.

    ``?pacticipant=`` (and ``?version=``) narrow it, as ``record-support-ended`` asks.
    """
    base = base_url(request)
    with db.reading() as connection:
        env = _environment(connection, uuid)
        rows = [
            r
            for r in environments.released_versions(connection, env["id"])
            if (pacticipant is None or r["pacticipant_name"] == pacticipant)
            and (version is None or r["number"] == version)
        ]
    label = display_name(env["name"], env["display_name"])
    released = [_released_json(base, r) for r in rows]
    return hal(
        {
            "_embedded": {"releasedVersions": released},
            "_links": {
                "self": link(
                    f"{base}/environments/{uuid}/released-versions/currently-supported",
                    f"Currently supported released versions for {label}",
                )
            },
        }
    )


def _version(db: sqlite3.Connection, name: str, number: str) -> sqlite3.Row:
    version = pacticipants.find_version(db, name, number)
    if version is None:
        raise not_found()
    return version


@router.post(
    "/pacticipants/{name}/versions/{number}/deployed-versions/environment/{uuid}",
    status_code=201,
    responses={**created("DeployedVersion"), **BODY_REFUSED, **NOT_FOUND},
    openapi_extra=json_body("DeploymentRequest", required=False),
)
def record_deployment(
    name: str,
    number: str,
    uuid: str,
    request: Request,
    body: JsonBodyDep,
    db: DatabaseDep,
) -> JSONResponse:
    """Record that a version is now deployed to an environment (``record-deployment``)."""
    data = json_object(body)
    instance = data.get("applicationInstance") or data.get("target")
    if isinstance(instance, str) and (problems := name_problems(instance)):
        raise validation_failed({"applicationInstance": problems})
    base = base_url(request)
    with db.writing() as connection:
        env = _environment(connection, uuid)
        version = _version(connection, name, number)
        row = environments.record_deployment(
            connection, version, env["id"], instance if isinstance(instance, str) else None
        )
        deployed = environments.deployed_version(connection, row["id"])
    response = _deployed_json(base, deployed)
    response["_embedded"]["environment"] = environment_body(base, env)
    return hal(response, 201)


@router.patch(
    "/deployed-versions/{uuid}",
    responses={**ok("DeployedVersion"), **BODY_REFUSED, **NOT_FOUND},
    openapi_extra=json_body("DeployedVersionUpdate", required=False),
)
def update_deployed_version(
    uuid: str, request: Request, body: JsonBodyDep, db: DatabaseDep
) -> JSONResponse:
    """``{"currentlyDeployed": false}`` records an undeployment (``record-undeployment``)."""
    data = json_object(body)
    with db.writing() as connection:
        row = connection.execute(
            "SELECT * FROM deployed_versions WHERE uuid = ?", (uuid,)
        ).fetchone()
        if row is None:
            raise not_found()
        if data.get("currentlyDeployed") is False:
            environments.record_undeployment(connection, row["version_id"], row["environment_id"])
        deployed = environments.deployed_version(connection, row["id"])
    return hal(_deployed_json(base_url(request), deployed))


@router.get(
    "/environments/{uuid}/deployed-versions/currently-deployed/pacticipant/{name}",
    responses={**ok("Collection"), **NOT_FOUND},
)
def currently_deployed_for(uuid: str, name: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """Currently deployed versions of one pacticipant (used by ``record-undeployment``)."""
    base = base_url(request)
    with db.reading() as connection:
        env = _environment(connection, uuid)
        rows = [
            r
            for r in environments.deployed_versions(connection, env["id"])
            if r["pacticipant_name"] == name
        ]
    return hal(
        {"_embedded": {"deployedVersions": [_deployed_json(base, r) for r in rows]}, "_links": {}}
    )


@router.post(
    "/pacticipants/{name}/versions/{number}/released-versions/environment/{uuid}",
    status_code=201,
    responses={**created("ReleasedVersion"), **BODY_REFUSED, **NOT_FOUND},
    openapi_extra=json_body("AnyJson", required=False),
)
def record_release(
    name: str,
    number: str,
    uuid: str,
    request: Request,
    _body: JsonBodyDep,
    db: DatabaseDep,
) -> JSONResponse:
    """Record that a version is released to an environment (``record-release``)."""
    base = base_url(request)
    with db.writing() as connection:
        env = _environment(connection, uuid)
        version = _version(connection, name, number)
        row = environments.record_release(connection, version["id"], env["id"])
    return hal(
        {
            "uuid": row["uuid"],
            "currentlySupported": row["support_ended_at"] is None,
            "createdAt": display(row["created_at"]),
            "_embedded": {
                "pacticipant": embedded_pacticipant(base, name),
                "version": embedded_version(base, name, number),
                "environment": environment_body(base, env),
            },
            "_links": {"self": {"href": f"{base}/released-versions/{row['uuid']}"}},
        },
        201,
    )


def _released_version(db: sqlite3.Connection, uuid: str) -> sqlite3.Row:
    row = environments.released_version(db, uuid)
    if row is None:
        raise not_found()
    return row


@router.get(
    "/released-versions/{uuid}",
    responses={**ok("ReleasedVersion"), **NOT_FOUND},
)
def get_released_version(uuid: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """One release record."""
    with db.reading() as connection:
        row = _released_version(connection, uuid)
    return hal(_released_json(base_url(request), row))


@router.patch(
    "/released-versions/{uuid}",
    responses={**ok("ReleasedVersion"), **BODY_REFUSED, **NOT_FOUND},
    openapi_extra=json_body("ReleasedVersionUpdate", required=False),
)
def update_released_version(
    uuid: str, request: Request, body: JsonBodyDep, db: DatabaseDep
) -> JSONResponse:
    """``{"currentlySupported": false}`` records the end of support (``record-support-ended``)."""
    data = json_object(body)
    supported = data.get("currentlySupported")
    if "currentlySupported" in data and not isinstance(supported, bool):
        raise validation_failed({"currentlySupported": ["must be true or false"]})
    with db.writing() as connection:
        row = _released_version(connection, uuid)
        if supported is False:
            environments.end_support(connection, row["id"])
            row = _released_version(connection, uuid)
    return hal(_released_json(base_url(request), row))
