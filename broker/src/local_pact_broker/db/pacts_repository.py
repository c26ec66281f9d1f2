"""SQL for pact contents (deduplicated by sha) and their publications by consumer versions."""

import json
from enum import Enum
from typing import Any

from local_pact_broker.db.pacticipants_repository import version_by_id, version_model
from local_pact_broker.db.records import (
    PUBLICATION_COLUMNS,
    PacticipantRecord,
    PublicationRecord,
    VersionRecord,
)
from local_pact_broker.db.storage import Connection
from local_pact_broker.domain.models import Publication
from local_pact_broker.domain.pact_content import pact_sha, with_interaction_ids
from local_pact_broker.domain.timestamps import now

_PUBLICATION_SELECT = (
    f"SELECT {PUBLICATION_COLUMNS}"  # noqa: S608 - constant SQL fragments only
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


def _one(db: Connection, sql: str, params: Any) -> PublicationRecord | None:  # noqa: ANN401
    row = db.execute(sql, params).fetchone()
    return None if row is None else PublicationRecord(*row)


def _all(db: Connection, sql: str, params: Any = ()) -> list[PublicationRecord]:  # noqa: ANN401
    return [PublicationRecord(*row) for row in db.execute(sql, params)]


def publication(
    db: Connection, provider: str, consumer: str, number: str
) -> PublicationRecord | None:
    """The pact published by a consumer version for a provider."""
    return _one(
        db,
        _PUBLICATION_SELECT + " WHERE pr.name = ? AND c.name = ? AND cv.number = ?",
        (provider, consumer, number),
    )


def latest_publication(
    db: Connection,
    provider: str,
    consumer: str,
    *,
    tag: str | None = None,
    branch: str | None = None,
    untagged: bool = False,
) -> PublicationRecord | None:
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
    return _one(db, sql + " ORDER BY cv.id DESC LIMIT 1", params)


def latest_matching_publication(
    db: Connection, consumer: str | None, provider: str | None
) -> PublicationRecord | None:
    """The newest publication of any pact whose consumer and provider match (None = any)."""
    return _one(
        db,
        _PUBLICATION_SELECT + " WHERE (? IS NULL OR c.name = ?) AND (? IS NULL OR pr.name = ?)"
        " ORDER BY pub.id DESC LIMIT 1",
        (consumer, consumer, provider, provider),
    )


def publications_by_sha(
    db: Connection, provider: str, consumer: str, sha: str
) -> list[PublicationRecord]:
    """Publications of one pact content, newest consumer version first."""
    return _all(
        db,
        _PUBLICATION_SELECT
        + " WHERE pr.name = ? AND c.name = ? AND pv.sha = ? ORDER BY cv.id DESC",
        (provider, consumer, sha),
    )


def latest_consumer_version_of_content(
    db: Connection, provider: str, consumer: str, sha: str
) -> str | None:
    """The number of the newest consumer version that published this pact content."""
    row = db.execute(
        "SELECT cv.number FROM pact_publications pub"
        " JOIN versions cv ON cv.id = pub.consumer_version_id"
        " JOIN pacticipants c ON c.id = cv.pacticipant_id"
        " JOIN pacticipants pr ON pr.id = pub.provider_id"
        " JOIN pact_versions pv ON pv.id = pub.pact_version_id"
        " WHERE pr.name = ? AND c.name = ? AND pv.sha = ? ORDER BY cv.id DESC LIMIT 1",
        (provider, consumer, sha),
    ).fetchone()
    return None if row is None else str(row[0])


def latest_publications(db: Connection) -> list[PublicationRecord]:
    """The newest pact of each consumer-provider pair."""
    return _all(
        db,
        _PUBLICATION_SELECT  # noqa: S608 - constant SQL fragments only
        + " WHERE cv.id = (SELECT max(cv2.id) FROM pact_publications p2"
        " JOIN versions cv2 ON cv2.id = p2.consumer_version_id"
        " WHERE p2.provider_id = pub.provider_id AND cv2.pacticipant_id = cv.pacticipant_id)"
        " ORDER BY c.name, pr.name",
    )


def publications_for_provider(db: Connection, provider: str) -> list[PublicationRecord]:
    """Every publication with this provider, oldest first."""
    return _all(db, _PUBLICATION_SELECT + " WHERE pr.name = ? ORDER BY cv.id", (provider,))


def publications_for_provider_on_branch(
    db: Connection, provider: str, branch: str | None
) -> list[PublicationRecord]:
    """Pacts with this provider whose consumer version is on a branch, by consumer name.

    ``branch=None`` means each consumer's main branch; oldest version first per consumer.
    """
    branch_condition = "b.name = ?" if branch is not None else "b.name = c.main_branch"
    params = [provider] + ([branch] if branch is not None else [])
    return _all(
        db,
        _PUBLICATION_SELECT  # noqa: S608 - constant SQL fragments only; values are bound
        + " WHERE pr.name = ? AND EXISTS (SELECT 1 FROM branch_versions bv"
        " JOIN branches b ON b.id = bv.branch_id WHERE bv.version_id = cv.id AND "
        + branch_condition
        + ") ORDER BY lower(c.name), cv.id",
        params,
    )


def publication_models(db: Connection, rows: list[PublicationRecord]) -> list[Publication]:
    """Plain-data publications for the rule modules (a full load: a reference for tests)."""
    models: list[Publication] = []
    for row in rows:
        version = version_by_id(db, row.consumer_version_id)
        models.append(
            Publication(
                consumer_version=version_model(db, version),
                provider=row.provider,
                pact_sha=row.sha,
                created_at=row.created_at,
            )
        )
    return models


def publish(
    db: Connection,
    consumer_version: VersionRecord,
    provider: PacticipantRecord,
    pact: dict[str, Any],
    sha: str | None = None,
) -> PublishOutcome:
    """Store a pact for a consumer version; the caller has checked it does not conflict.

    ``sha`` is the pact's :func:`pact_sha` when the caller has it already.
    """
    sha = sha or pact_sha(pact)
    consumer_id = consumer_version.pacticipant_id
    db.execute(
        "INSERT OR IGNORE INTO pact_versions (consumer_id, provider_id, sha, content, created_at)"
        " VALUES (?,?,?,?,?)",
        (consumer_id, provider.id, sha, json.dumps(with_interaction_ids(pact)), now()),
    )
    pact_version_id = db.execute(
        "SELECT id FROM pact_versions WHERE consumer_id = ? AND provider_id = ? AND sha = ?",
        (consumer_id, provider.id, sha),
    ).fetchone()[0]
    existing = db.execute(
        "SELECT pact_version_id FROM pact_publications WHERE consumer_version_id = ?"
        " AND provider_id = ?",
        (consumer_version.id, provider.id),
    ).fetchone()
    if existing is not None:
        return PublishOutcome.UNCHANGED
    db.execute(
        "INSERT INTO pact_publications (consumer_version_id, provider_id, pact_version_id,"
        " created_at) VALUES (?,?,?,?)",
        (consumer_version.id, provider.id, pact_version_id, now()),
    )
    return PublishOutcome.CREATED


def pact_content(db: Connection, provider: str, consumer: str, sha: str) -> str | None:
    """The stored pact (JSON text) with this sha, for this consumer and provider."""
    row = db.execute(
        "SELECT pv.content FROM pact_versions pv JOIN pacticipants c ON c.id = pv.consumer_id"
        " JOIN pacticipants pr ON pr.id = pv.provider_id"
        " WHERE pr.name = ? AND c.name = ? AND pv.sha = ?",
        (provider, consumer, sha),
    ).fetchone()
    return None if row is None else str(row[0])


def pact_version_id(db: Connection, provider: str, consumer: str, sha: str) -> int | None:
    """The id of a pact content by sha, for this consumer and provider."""
    row = db.execute(
        "SELECT pv.id FROM pact_versions pv JOIN pacticipants c ON c.id = pv.consumer_id"
        " JOIN pacticipants pr ON pr.id = pv.provider_id"
        " WHERE pr.name = ? AND c.name = ? AND pv.sha = ?",
        (provider, consumer, sha),
    ).fetchone()
    return None if row is None else int(row[0])


def previous_content_sha_with_tag(
    db: Connection,
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
    return None if row is None else str(row[0])


def previous_distinct_publication(
    db: Connection, provider: str, consumer: str, number: str
) -> PublicationRecord | None:
    """The newest pact of an earlier consumer version whose content differs from this one's."""
    return _one(
        db,
        _PUBLICATION_SELECT + " JOIN pact_publications this ON this.provider_id = pub.provider_id"
        " JOIN versions tv ON tv.id = this.consumer_version_id"
        " AND tv.pacticipant_id = cv.pacticipant_id"
        " WHERE pr.name = ? AND c.name = ? AND tv.number = ? AND cv.id < tv.id"
        " AND pub.pact_version_id != this.pact_version_id ORDER BY cv.id DESC LIMIT 1",
        (provider, consumer, number),
    )


def publications_of_pair(db: Connection, provider: str, consumer: str) -> list[PublicationRecord]:
    """Every pact of a consumer with a provider, oldest consumer version first."""
    return _all(
        db,
        _PUBLICATION_SELECT + " WHERE pr.name = ? AND c.name = ? ORDER BY cv.id",
        (provider, consumer),
    )


def publications_of_consumer_version(
    db: Connection, consumer: str, number: str
) -> list[PublicationRecord]:
    """The pacts a consumer version published, one per provider, by provider name."""
    return _all(
        db,
        _PUBLICATION_SELECT + " WHERE c.name = ? AND cv.number = ? ORDER BY pr.name",
        (consumer, number),
    )


def publications_for_provider_by_consumer_version(
    db: Connection,
    provider: str,
    *,
    consumer: str | None = None,
    tag: str | None = None,
    branch: str | None = None,
    main_branch: bool = False,
) -> list[PublicationRecord]:
    """Pacts with this provider whose consumer version carries a tag or is on a branch.

    ``main_branch``: on each consumer's main branch. ``consumer`` narrows to one consumer.
    By consumer name, oldest consumer version first, as the official lists read.
    """
    conditions = ["pr.name = ?"]
    params: list[str] = [provider]
    if consumer is not None:
        conditions.append("c.name = ?")
        params.append(consumer)
    if tag is not None:
        conditions.append("EXISTS (SELECT 1 FROM tags t WHERE t.version_id = cv.id AND t.name = ?)")
        params.append(tag)
    if branch is not None or main_branch:
        on_branch = "b.name = c.main_branch" if branch is None else "b.name = ?"
        conditions.append(
            "EXISTS (SELECT 1 FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id"  # noqa: S608 - constant SQL fragments only
            f" WHERE bv.version_id = cv.id AND {on_branch})"
        )
        params.extend([] if branch is None else [branch])
    return _all(
        db,
        _PUBLICATION_SELECT
        + " WHERE "
        + " AND ".join(conditions)
        + " ORDER BY lower(c.name), cv.id",
        params,
    )
