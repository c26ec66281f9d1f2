"""Writes to environments and to the deployments and releases recorded in them.

Each is one transaction: what it refers to must exist (404 otherwise), and an environment's
name must be valid and unique (400 otherwise), as the official broker checks them.
"""

from typing import Any

from local_pact_broker.db import environments_repository as environments
from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db.records import (
    DeployedVersionRecord,
    EnvironmentRecord,
    ReleasedVersionRecord,
    VersionRecord,
)
from local_pact_broker.db.storage import Connection, Database
from local_pact_broker.domain.body_fields import text_field_errors
from local_pact_broker.domain.errors import InvalidInputError, NotFoundError
from local_pact_broker.domain.limits import name_problems


def _validate(db: Connection, body: dict[str, Any], current_id: int | None) -> None:
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
        if existing is not None and existing.id != current_id:
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
        raise InvalidInputError(errors)


def _environment(db: Connection, uuid: str) -> EnvironmentRecord:
    found = environments.find_environment(db, uuid_=uuid)
    if found is None:
        raise NotFoundError()
    return found


def _version(db: Connection, name: str, number: str) -> VersionRecord:
    found = pacticipants.find_version(db, name, number)
    if found is None:
        raise NotFoundError()
    return found


def create_environment(database: Database, body: dict[str, Any]) -> EnvironmentRecord:
    """Create an environment (``create-environment``)."""
    with database.writing() as db:
        _validate(db, body, None)
        return environments.create_environment(db, body)


def replace_environment(
    database: Database, uuid: str, body: dict[str, Any]
) -> tuple[EnvironmentRecord, bool]:
    """Replace an environment, or create it under this uuid; ``True`` if it was created."""
    with database.writing() as db:
        found = environments.find_environment(db, uuid_=uuid)
        _validate(db, body, found.id if found else None)
        if found is None:
            return environments.create_environment(db, body, uuid), True
        environments.update_environment(db, found.id, body)
        return _environment(db, uuid), False


def delete_environment(database: Database, uuid: str) -> None:
    """Delete an environment and its deployment and release records."""
    with database.writing() as db:
        environments.delete_environment(db, _environment(db, uuid).id)


def record_deployment(
    database: Database, name: str, number: str, uuid: str, instance: str | None
) -> tuple[DeployedVersionRecord, EnvironmentRecord]:
    """Record that a version is now deployed to an environment (``record-deployment``)."""
    if instance is not None and (problems := name_problems(instance)):
        raise InvalidInputError({"applicationInstance": problems})
    with database.writing() as db:
        env = _environment(db, uuid)
        version = _version(db, name, number)
        return environments.record_deployment(db, version, env.id, instance), env


def update_deployment(database: Database, uuid: str, body: dict[str, Any]) -> DeployedVersionRecord:
    """``{"currentlyDeployed": false}`` records an undeployment (``record-undeployment``)."""
    with database.writing() as db:
        deployed = environments.find_deployed_version(db, uuid)
        if deployed is None:
            raise NotFoundError()
        if body.get("currentlyDeployed") is False:
            environments.record_undeployment(db, deployed.version_id, deployed.environment_id)
            deployed = environments.find_deployed_version(db, uuid)
    if deployed is None:
        raise LookupError(f"deployment {uuid} was just updated but cannot be read back")
    return deployed


def record_release(
    database: Database, name: str, number: str, uuid: str
) -> tuple[ReleasedVersionRecord, EnvironmentRecord]:
    """Record that a version is released to an environment (``record-release``)."""
    with database.writing() as db:
        env = _environment(db, uuid)
        version = _version(db, name, number)
        return environments.record_release(db, version.id, env.id), env


def _released_version(db: Connection, uuid: str) -> ReleasedVersionRecord:
    found = environments.released_version(db, uuid)
    if found is None:
        raise NotFoundError()
    return found


def update_release(database: Database, uuid: str, body: dict[str, Any]) -> ReleasedVersionRecord:
    """``{"currentlySupported": false}`` records the end of support (``record-support-ended``)."""
    supported = body.get("currentlySupported")
    if "currentlySupported" in body and not isinstance(supported, bool):
        raise InvalidInputError({"currentlySupported": ["must be true or false"]})
    with database.writing() as db:
        release = _released_version(db, uuid)
        if supported is False:
            environments.end_support(db, release.id)
            release = _released_version(db, uuid)
    return release
