"""Environments, and recording deployments and releases of versions to them."""

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from local_pact_broker.api.dependencies import DatabaseDep, JsonBodyDep
from local_pact_broker.api.errors import not_found
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
from local_pact_broker.db.records import (
    DeployedVersionRecord,
    EnvironmentRecord,
    ReleasedVersionRecord,
)
from local_pact_broker.db.storage import Connection
from local_pact_broker.domain import urls
from local_pact_broker.domain.display_names import display_name
from local_pact_broker.domain.timestamps import display
from local_pact_broker.services import environments as writes

router = APIRouter()


def _environment(db: Connection, uuid: str) -> EnvironmentRecord:
    env = environments.find_environment(db, uuid_=uuid)
    if env is None:
        raise not_found()
    return env


def _released_version(db: Connection, uuid: str) -> ReleasedVersionRecord:
    release = environments.released_version(db, uuid)
    if release is None:
        raise not_found()
    return release


def environment_body(base: str, env: EnvironmentRecord) -> dict[str, Any]:
    """One environment, as the official broker shows it."""
    label = display_name(env.name, env.display_name)
    body: dict[str, Any] = {
        "uuid": env.uuid,
        "name": env.name,
        "production": env.production,
        "createdAt": display(env.created_at),
        "_links": {
            "self": link(urls.ENVIRONMENT.url(base, uuid=env.uuid), "Environment", env.name),
            "pb:currently-deployed-deployed-versions": link(
                urls.CURRENTLY_DEPLOYED.url(base, uuid=env.uuid),
                f"Versions currently deployed to {label} environment",
            ),
            "pb:currently-supported-released-versions": link(
                urls.CURRENTLY_SUPPORTED.url(base, uuid=env.uuid),
                f"Versions released and supported in {label} environment",
            ),
            "pb:environments": link(urls.ENVIRONMENTS.url(base), "Environments"),
        },
    }
    body["displayName"] = label
    if env.contacts:
        body["contacts"] = json.loads(env.contacts)
    if env.updated_at != env.created_at:  # as the official: only once updated
        body["updatedAt"] = display(env.updated_at)
    return body


@router.get(
    urls.ENVIRONMENTS.template,
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
                "self": link(urls.ENVIRONMENTS.url(base), "Environments"),
                "pb:environments": [b["_links"]["self"] for b in bodies],
            },
        }
    )


@router.post(
    urls.ENVIRONMENTS.template,
    status_code=201,
    responses={**created("Environment"), **BODY_REFUSED},
    openapi_extra=json_body("EnvironmentRequest"),
)
def create_environment(request: Request, body: JsonBodyDep, db: DatabaseDep) -> JSONResponse:
    """Create an environment (``create-environment``)."""
    env = writes.create_environment(db, json_object(body))
    return hal(environment_body(base_url(request), env), 201)


@router.get(
    urls.ENVIRONMENT.template,
    responses={**ok("Environment"), **NOT_FOUND},
)
def get_environment(uuid: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """One environment."""
    with db.reading() as connection:
        env = _environment(connection, uuid)
    return hal(environment_body(base_url(request), env))


@router.put(
    urls.ENVIRONMENT.template,
    responses={**ok_or_created("Environment"), **BODY_REFUSED},
    openapi_extra=json_body("EnvironmentRequest"),
)
def put_environment(
    uuid: str, request: Request, body: JsonBodyDep, db: DatabaseDep
) -> JSONResponse:
    """Create or replace an environment."""
    env, created = writes.replace_environment(db, uuid, json_object(body))
    return hal(environment_body(base_url(request), env), 201 if created else 200)


@router.delete(
    urls.ENVIRONMENT.template,
    status_code=204,
    responses=NOT_FOUND,
)
def delete_environment(uuid: str, db: DatabaseDep) -> Response:
    """Delete an environment."""
    writes.delete_environment(db, uuid)
    return Response(status_code=204)


def _deployed_json(base: str, row: DeployedVersionRecord) -> dict[str, Any]:
    body: dict[str, Any] = {
        "uuid": row.uuid,
        "currentlyDeployed": row.undeployed_at is None,
        "createdAt": display(row.created_at),
        "_embedded": {
            "pacticipant": embedded_pacticipant(base, row.pacticipant),
            "version": embedded_version(base, row.pacticipant, row.number),
        },
        "_links": {"self": {"href": urls.DEPLOYED_VERSION.url(base, uuid=row.uuid)}},
    }
    if row.application_instance:
        body["applicationInstance"] = row.application_instance
        body["target"] = row.application_instance  # the official's deprecated name for it
    if row.undeployed_at:
        body["undeployedAt"] = display(row.undeployed_at)
    return body


@router.get(
    urls.CURRENTLY_DEPLOYED.template,
    responses={**ok("Collection"), **NOT_FOUND},
)
def currently_deployed(uuid: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """Versions currently deployed to an environment."""
    base = base_url(request)
    with db.reading() as connection:
        env = _environment(connection, uuid)
        rows = environments.deployed_versions(connection, env.id)
    label = display_name(env.name, env.display_name)
    return hal(
        {
            "_embedded": {"deployedVersions": [_deployed_json(base, r) for r in rows]},
            "_links": {
                "self": link(
                    urls.CURRENTLY_DEPLOYED.url(base, uuid=uuid),
                    f"Currently deployed versions for {label}",
                )
            },
        }
    )


def _released_json(base: str, row: ReleasedVersionRecord) -> dict[str, Any]:
    body: dict[str, Any] = {
        "uuid": row.uuid,
        "currentlySupported": row.support_ended_at is None,
        "createdAt": display(row.created_at),
        "_embedded": {
            "pacticipant": embedded_pacticipant(base, row.pacticipant),
            "version": embedded_version(base, row.pacticipant, row.number),
        },
        "_links": {"self": {"href": urls.RELEASED_VERSION.url(base, uuid=row.uuid)}},
    }
    if row.support_ended_at:
        body["supportEndedAt"] = display(row.support_ended_at)
    return body


@router.get(
    urls.CURRENTLY_SUPPORTED.template,
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
            for r in environments.released_versions(connection, env.id)
            if (pacticipant is None or r.pacticipant == pacticipant)
            and (version is None or r.number == version)
        ]
    label = display_name(env.name, env.display_name)
    released = [_released_json(base, r) for r in rows]
    return hal(
        {
            "_embedded": {"releasedVersions": released},
            "_links": {
                "self": link(
                    urls.CURRENTLY_SUPPORTED.url(base, uuid=uuid),
                    f"Currently supported released versions for {label}",
                )
            },
        }
    )


@router.post(
    urls.RECORD_DEPLOYMENT.template,
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
    deployed, env = writes.record_deployment(
        db, name, number, uuid, instance if isinstance(instance, str) else None
    )
    base = base_url(request)
    response = _deployed_json(base, deployed)
    response["_embedded"]["environment"] = environment_body(base, env)
    return hal(response, 201)


@router.patch(
    urls.DEPLOYED_VERSION.template,
    responses={**ok("DeployedVersion"), **BODY_REFUSED, **NOT_FOUND},
    openapi_extra=json_body("DeployedVersionUpdate", required=False),
)
def update_deployed_version(
    uuid: str, request: Request, body: JsonBodyDep, db: DatabaseDep
) -> JSONResponse:
    """``{"currentlyDeployed": false}`` records an undeployment (``record-undeployment``)."""
    deployed = writes.update_deployment(db, uuid, json_object(body))
    return hal(_deployed_json(base_url(request), deployed))


@router.get(
    urls.CURRENTLY_DEPLOYED_FOR_PACTICIPANT.template,
    responses={**ok("Collection"), **NOT_FOUND},
)
def currently_deployed_for(uuid: str, name: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """Currently deployed versions of one pacticipant (used by ``record-undeployment``)."""
    base = base_url(request)
    with db.reading() as connection:
        env = _environment(connection, uuid)
        rows = [
            r for r in environments.deployed_versions(connection, env.id) if r.pacticipant == name
        ]
    return hal(
        {"_embedded": {"deployedVersions": [_deployed_json(base, r) for r in rows]}, "_links": {}}
    )


@router.post(
    urls.RECORD_RELEASE.template,
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
    release, env = writes.record_release(db, name, number, uuid)
    return hal(
        {
            "uuid": release.uuid,
            "currentlySupported": release.support_ended_at is None,
            "createdAt": display(release.created_at),
            "_embedded": {
                "pacticipant": embedded_pacticipant(base, name),
                "version": embedded_version(base, name, number),
                "environment": environment_body(base, env),
            },
            "_links": {"self": {"href": urls.RELEASED_VERSION.url(base, uuid=release.uuid)}},
        },
        201,
    )


@router.get(
    urls.RELEASED_VERSION.template,
    responses={**ok("ReleasedVersion"), **NOT_FOUND},
)
def get_released_version(uuid: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """One release record."""
    with db.reading() as connection:
        release = _released_version(connection, uuid)
    return hal(_released_json(base_url(request), release))


@router.patch(
    urls.RELEASED_VERSION.template,
    responses={**ok("ReleasedVersion"), **BODY_REFUSED, **NOT_FOUND},
    openapi_extra=json_body("ReleasedVersionUpdate", required=False),
)
def update_released_version(
    uuid: str, request: Request, body: JsonBodyDep, db: DatabaseDep
) -> JSONResponse:
    """``{"currentlySupported": false}`` records the end of support (``record-support-ended``)."""
    release = writes.update_release(db, uuid, json_object(body))
    return hal(_released_json(base_url(request), release))
