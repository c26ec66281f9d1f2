"""Writes to pacticipants, versions, branches and tags, each in one transaction.

The names and limits are checked where they enter storage (``pacticipants_repository``), so
a refused branch or tag rolls back the pacticipant and version created with it.
"""

from typing import Any

from local_pact_broker.db import labels_repository as labels
from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db.records import LabelRecord, PacticipantRecord, VersionRecord
from local_pact_broker.db.storage import Database
from local_pact_broker.domain.body_fields import list_field_errors, text_field_errors
from local_pact_broker.domain.errors import InvalidInputError, NotFoundError


def save_pacticipant(
    database: Database, name: str, body: dict[str, Any]
) -> tuple[PacticipantRecord, bool]:
    """Create or update a pacticipant from its JSON body; ``True`` if it existed before."""
    if errors := text_field_errors(body, "mainBranch", "displayName", "repositoryUrl"):
        raise InvalidInputError(errors)
    with database.writing() as db:
        existing = pacticipants.find_pacticipant(db, name)
        pacticipant = existing or pacticipants.ensure_pacticipant(db, name)
        pacticipants.update_pacticipant(
            db,
            pacticipant.id,
            main_branch=body.get("mainBranch"),
            display_name=body.get("displayName"),
            repository_url=body.get("repositoryUrl"),
            touch=existing is not None,  # fields given at creation are not an update
        )
        saved = pacticipants.find_pacticipant(db, name)
    if saved is None:
        raise LookupError(f"pacticipant {name!r} was just saved but cannot be read back")
    return saved, existing is not None


def record_version(
    database: Database, name: str, number: str, body: dict[str, Any]
) -> tuple[VersionRecord, bool]:
    """Create or update a version with its branch and tags; ``True`` if it was created."""
    if errors := list_field_errors(body, "tags", dict, "tag objects"):
        raise InvalidInputError(errors)
    build_url = body.get("buildUrl") if isinstance(body.get("buildUrl"), str) else None
    with database.writing() as db:
        pacticipant = pacticipants.ensure_pacticipant(db, name)
        version, created = pacticipants.ensure_version(
            db, pacticipant, number, build_url, updated=True
        )
        if not created:
            version = pacticipants.touch_version(db, version)
        branch = body.get("branch")
        if isinstance(branch, str) and branch:
            pacticipants.add_branch_version(db, version, branch)
        for tag in body.get("tags") or []:
            if isinstance(tag, dict) and isinstance(tag.get("name"), str):
                pacticipants.add_tag(db, version.id, tag["name"])
    return version, created


def put_on_branch(
    database: Database, name: str, branch: str, number: str
) -> tuple[bool, str, str | None]:
    """Put a version on a branch, creating what is missing.

    Whether it was on the branch before, when it was put there, and when it was put there again.
    """
    with database.writing() as db:
        pacticipant = pacticipants.ensure_pacticipant(db, name)
        version, _ = pacticipants.ensure_version(db, pacticipant, number, updated=True)
        existed = branch in pacticipants.branch_names_of_version(db, version.id)
        pacticipants.add_branch_version(db, version, branch)
        times = pacticipants.branch_version_times(db, version.id, branch)
    if times is None:
        raise LookupError(f"version {number!r} was just put on branch {branch!r} but is not on it")
    return existed, *times


def tag_version(database: Database, name: str, number: str, tag: str) -> bool:
    """Tag a version, creating pacticipant and version if missing; ``True`` if the tag is new."""
    with database.writing() as db:
        pacticipant = pacticipants.ensure_pacticipant(db, name)
        version, _ = pacticipants.ensure_version(db, pacticipant, number, updated=True)
        return pacticipants.add_tag(db, version.id, tag)


def remove_tag(database: Database, name: str, number: str, tag: str) -> None:
    """Remove a tag from a version; 404 when it is not there (as the official broker)."""
    with database.writing() as db:
        version = pacticipants.find_version(db, name, number)
        if version is None or not pacticipants.remove_tag(db, version.id, tag):
            raise NotFoundError()


def delete_branch(database: Database, name: str, branch: str) -> None:
    """Delete a branch and its branch-versions, keeping the versions (404 if there is none)."""
    with database.writing() as db:
        if not pacticipants.delete_branch(db, name, branch):
            raise NotFoundError()


def label_pacticipant(database: Database, name: str, label: str) -> tuple[LabelRecord, bool]:
    """Label a pacticipant; ``True`` if the label is new. 404 for an unknown pacticipant."""
    with database.writing() as db:
        pacticipant = pacticipants.find_pacticipant(db, name)
        if pacticipant is None:
            raise NotFoundError()
        created = labels.add_label(db, pacticipant, label)
        found = labels.find_label(db, name, label)
        if found is None:  # just written in this transaction
            raise NotFoundError()
        return found, created


def remove_label(database: Database, name: str, label: str) -> None:
    """Remove a pacticipant's label; 404 when it does not have it (as the official broker)."""
    with database.writing() as db:
        if not labels.remove_label(db, name, label):
            raise NotFoundError()
