"""SQL for pact contents (deduplicated by sha) and their publications by consumer versions."""

import json
import sqlite3
from enum import Enum
from typing import Any

from local_pact_broker.db.pacticipants_repository import version_by_id, version_model
from local_pact_broker.domain.models import Publication
from local_pact_broker.domain.pact_content import pact_sha, with_interaction_ids
from local_pact_broker.domain.timestamps import now

_PUBLICATION_SELECT = (
    "SELECT pub.id, pub.created_at, pub.consumer_version_id, cv.number AS consumer_version_number,"
    " c.name AS consumer_name, pr.name AS provider_name, pv.sha, pv.content,"
    " pv.id AS pact_version_id, pv.created_at AS pact_version_created_at"
    " FROM pact_publications pub"
    " JOIN versions cv ON cv.id = pub.consumer_version_id"
    " JOIN pacticipants c ON c.id = cv.pacticipant_id"
    " JOIN pacticipants pr ON pr.id = pub.provider_id"
    " JOIN pact_versions pv ON pv.id = pub.pact_version_id"
)


class PublishOutcome(Enum):
    """What publishing a pact for a consumer version did."""

    CREATED = "created"
    UNCHANGED = "unchanged"


def publication(
    db: sqlite3.Connection, provider: str, consumer: str, number: str
) -> sqlite3.Row | None:
    """The pact published by a consumer version for a provider."""
    row: sqlite3.Row | None = db.execute(
        _PUBLICATION_SELECT + " WHERE pr.name = ? AND c.name = ? AND cv.number = ?",
        (provider, consumer, number),
    ).fetchone()
    return row


def latest_publication(
    db: sqlite3.Connection,
    provider: str,
    consumer: str,
    *,
    tag: str | None = None,
    branch: str | None = None,
    untagged: bool = False,
) -> sqlite3.Row | None:
    """The pact of the newest consumer version, optionally with a tag or on a branch."""
    sql = _PUBLICATION_SELECT + " WHERE pr.name = ? AND c.name = ?"
    params: list[str] = [provider, consumer]
    if tag is not None:
        sql += " AND EXISTS (SELECT 1 FROM tags t WHERE t.version_id = cv.id AND t.name = ?)"
        params.append(tag)
    if untagged:
        sql += " AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.version_id = cv.id)"
    if branch is not None:
        sql += (
            " AND EXISTS (SELECT 1 FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id"
            " WHERE bv.version_id = cv.id AND b.name = ?)"
        )
        params.append(branch)
    row: sqlite3.Row | None = db.execute(sql + " ORDER BY cv.id DESC LIMIT 1", params).fetchone()
    return row


def publications_by_sha(
    db: sqlite3.Connection, provider: str, consumer: str, sha: str
) -> list[sqlite3.Row]:
    """Publications of one pact content, newest consumer version first."""
    return db.execute(
        _PUBLICATION_SELECT
        + " WHERE pr.name = ? AND c.name = ? AND pv.sha = ? ORDER BY cv.id DESC",
        (provider, consumer, sha),
    ).fetchall()


def publications_of_consumer_version(db: sqlite3.Connection, version_id: int) -> list[sqlite3.Row]:
    """Every pact a consumer version published, by provider name."""
    return db.execute(
        _PUBLICATION_SELECT + " WHERE cv.id = ? ORDER BY pr.name", (version_id,)
    ).fetchall()


def latest_publications(db: sqlite3.Connection) -> list[sqlite3.Row]:
    """The newest pact of each consumer-provider pair."""
    return db.execute(
        _PUBLICATION_SELECT  # noqa: S608 - constant SQL fragments only; values are bound
        + " WHERE cv.id = (SELECT max(cv2.id) FROM pact_publications p2"
        " JOIN versions cv2 ON cv2.id = p2.consumer_version_id"
        " WHERE p2.provider_id = pub.provider_id AND cv2.pacticipant_id = cv.pacticipant_id)"
        " ORDER BY c.name, pr.name"
    ).fetchall()


def publications_for_provider(db: sqlite3.Connection, provider: str) -> list[sqlite3.Row]:
    """Every publication with this provider, oldest first."""
    return db.execute(
        _PUBLICATION_SELECT + " WHERE pr.name = ? ORDER BY cv.id", (provider,)
    ).fetchall()


def publications_for_provider_on_branch(
    db: sqlite3.Connection, provider: str, branch: str | None
) -> list[sqlite3.Row]:
    """Pacts with this provider whose consumer version is on a branch, by consumer name.

    ``branch=None`` means each consumer's main branch; oldest version first per consumer.
    """
    branch_condition = "b.name = ?" if branch is not None else "b.name = c.main_branch"
    params = [provider] + ([branch] if branch is not None else [])
    return db.execute(
        _PUBLICATION_SELECT  # noqa: S608 - constant SQL fragments only; values are bound
        + " WHERE pr.name = ? AND EXISTS (SELECT 1 FROM branch_versions bv"
        " JOIN branches b ON b.id = bv.branch_id WHERE bv.version_id = cv.id AND "
        + branch_condition
        + ") ORDER BY lower(c.name), cv.id",
        params,
    ).fetchall()


def publication_models(db: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[Publication]:
    """Plain-data publications for the rule modules."""
    models: list[Publication] = []
    for row in rows:
        version = version_by_id(db, row["consumer_version_id"])
        models.append(
            Publication(
                consumer_version=version_model(db, version),
                provider=row["provider_name"],
                pact_sha=row["sha"],
                created_at=row["created_at"],
            )
        )
    return models


def publish(
    db: sqlite3.Connection,
    consumer_version: sqlite3.Row,
    provider: sqlite3.Row,
    pact: dict[str, Any],
) -> PublishOutcome:
    """Store a pact for a consumer version; the caller has checked it does not conflict."""
    sha = pact_sha(pact)
    consumer_id = consumer_version["pacticipant_id"]
    db.execute(
        "INSERT OR IGNORE INTO pact_versions (consumer_id, provider_id, sha, content, created_at)"
        " VALUES (?,?,?,?,?)",
        (consumer_id, provider["id"], sha, json.dumps(with_interaction_ids(pact)), now()),
    )
    pact_version_id = db.execute(
        "SELECT id FROM pact_versions WHERE consumer_id = ? AND provider_id = ? AND sha = ?",
        (consumer_id, provider["id"], sha),
    ).fetchone()["id"]
    existing = db.execute(
        "SELECT pact_version_id FROM pact_publications WHERE consumer_version_id = ?"
        " AND provider_id = ?",
        (consumer_version["id"], provider["id"]),
    ).fetchone()
    if existing is not None:
        return PublishOutcome.UNCHANGED
    db.execute(
        "INSERT INTO pact_publications (consumer_version_id, provider_id, pact_version_id,"
        " created_at) VALUES (?,?,?,?)",
        (consumer_version["id"], provider["id"], pact_version_id, now()),
    )
    return PublishOutcome.CREATED


def pact_version(
    db: sqlite3.Connection, provider: str, consumer: str, sha: str
) -> sqlite3.Row | None:
    """A pact content by sha, with the ids of its consumer and provider."""
    row: sqlite3.Row | None = db.execute(
        "SELECT pv.* FROM pact_versions pv JOIN pacticipants c ON c.id = pv.consumer_id"
        " JOIN pacticipants pr ON pr.id = pv.provider_id"
        " WHERE pr.name = ? AND c.name = ? AND pv.sha = ?",
        (provider, consumer, sha),
    ).fetchone()
    return row


def previous_content_sha_with_tag(
    db: sqlite3.Connection,
    provider_id: int,
    consumer_id: int,
    before_version_id: int,
    tag: str | None,
) -> str | None:
    """Sha of the latest pact before this consumer version whose version has ``tag``.

    ``tag=None``: the latest pact of a consumer version without any tag.
    """
    tagged = (
        "EXISTS (SELECT 1 FROM tags t WHERE t.version_id = cv.id AND t.name = ?)"
        if tag is not None
        else "NOT EXISTS (SELECT 1 FROM tags t WHERE t.version_id = cv.id)"
    )
    row = db.execute(
        "SELECT pv.sha FROM pact_publications pub"  # noqa: S608 - constant fragments only
        " JOIN versions cv ON cv.id = pub.consumer_version_id"
        " JOIN pact_versions pv ON pv.id = pub.pact_version_id WHERE pub.provider_id = ?"
        f" AND cv.pacticipant_id = ? AND cv.id < ? AND {tagged} ORDER BY cv.id DESC LIMIT 1",
        (provider_id, consumer_id, before_version_id, *(() if tag is None else (tag,))),
    ).fetchone()
    return None if row is None else str(row["sha"])
