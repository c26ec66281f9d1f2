"""Plain-data models for the rule modules, loaded in a fixed number of queries.

The hot endpoints (pacts-for-verification, can-i-deploy) used to load every publication of a
provider and then four queries per version. Here they load only the publications a rule can
pick, and the versions behind them in one query per table, so their cost follows the number
of consumers, branches and deployments, not the number of stored versions.
"""

import json
from collections import defaultdict
from collections.abc import Iterable

from local_pact_broker.db.storage import Connection, Row
from local_pact_broker.domain.models import PacticipantVersion, Publication, Verification

# Columns in the order _publication_models unpacks them.
_PUBLICATIONS = (
    "SELECT pub.consumer_version_id, cv.number, c.name, pr.name, pv.sha, pub.created_at,"
    " pv.id AS pact_version_id"
    " FROM pact_publications pub"
    " JOIN versions cv ON cv.id = pub.consumer_version_id"
    " JOIN pacticipants c ON c.id = cv.pacticipant_id"
    " JOIN pacticipants pr ON pr.id = pub.provider_id"
    " JOIN pact_versions pv ON pv.id = pub.pact_version_id"
)

# Consumer versions whose pact some selector, the pending rule or WIP can pick: the latest of
# each consumer, the latest of each consumer branch, tagged ones, and deployed or released ones.
# Heads are found by walking indexes backwards from the newest version, so the cost follows
# the number of consumers and branches, not of versions.
_CANDIDATE_VERSIONS = """
WITH latest AS (
    SELECT c.id AS consumer_id, (
        SELECT v.id FROM versions v WHERE v.pacticipant_id = c.id AND EXISTS (
            SELECT 1 FROM pact_publications pub
            WHERE pub.consumer_version_id = v.id AND pub.provider_id = ?1)
        ORDER BY v.id DESC LIMIT 1) AS vid
    FROM pacticipants c WHERE EXISTS (
        SELECT 1 FROM pact_versions pv WHERE pv.provider_id = ?1 AND pv.consumer_id = c.id)
)
SELECT vid FROM latest
UNION SELECT (
        SELECT bv.version_id FROM branch_versions bv WHERE bv.branch_id = b.id AND EXISTS (
            SELECT 1 FROM pact_publications pub
            WHERE pub.consumer_version_id = bv.version_id AND pub.provider_id = ?1)
        ORDER BY bv.version_id DESC LIMIT 1)
    FROM branches b WHERE b.pacticipant_id IN (SELECT consumer_id FROM latest)
UNION SELECT pub.consumer_version_id FROM tags t CROSS JOIN pact_publications pub
    ON pub.consumer_version_id = t.version_id AND pub.provider_id = ?1
UNION SELECT pub.consumer_version_id FROM deployed_versions d CROSS JOIN pact_publications pub
    ON pub.consumer_version_id = d.version_id AND pub.provider_id = ?1
    WHERE d.undeployed_at IS NULL
UNION SELECT pub.consumer_version_id FROM released_versions r CROSS JOIN pact_publications pub
    ON pub.consumer_version_id = r.version_id AND pub.provider_id = ?1
    WHERE r.support_ended_at IS NULL
"""

_VERIFICATIONS = (
    "SELECT ver.id, ver.success, ver.created_at, ver.provider_version_id, pv.sha,"
    " c.name AS consumer_name, pr.name AS provider_name FROM verifications ver"
    " JOIN pact_versions pv ON pv.id = ver.pact_version_id"
    " JOIN pacticipants c ON c.id = pv.consumer_id JOIN pacticipants pr ON pr.id = pv.provider_id"
)


def _ids(values: Iterable[int]) -> str:
    return json.dumps(sorted(set(values)))


_LABEL_QUERIES = (
    "SELECT bv.version_id, b.name FROM branch_versions bv"
    " JOIN branches b ON b.id = bv.branch_id WHERE bv.version_id"
    " IN (SELECT value FROM json_each(?))"
    " ORDER BY bv.id",
    "SELECT version_id, name FROM tags WHERE version_id"
    " IN (SELECT value FROM json_each(?))"
    " ORDER BY created_at",
    "SELECT DISTINCT d.version_id, e.name FROM deployed_versions d"
    " JOIN environments e ON e.id = d.environment_id"
    " WHERE d.version_id"
    " IN (SELECT value FROM json_each(?)) AND d.undeployed_at IS NULL",
    "SELECT DISTINCT r.version_id, e.name FROM released_versions r"
    " JOIN environments e ON e.id = r.environment_id"
    " WHERE r.version_id"
    " IN (SELECT value FROM json_each(?)) AND r.support_ended_at IS NULL",
)


class _VersionLabels:
    """Branches, tags and current environments of a set of versions: four queries."""

    def __init__(self, db: Connection, wanted: str) -> None:
        found: list[dict[int, list[str]]] = []
        for sql in _LABEL_QUERIES:
            by_version: dict[int, list[str]] = defaultdict(list)
            for version_id, name in db.execute(sql, (wanted,)):
                by_version[version_id].append(str(name))
            found.append(by_version)
        self._branches, self._tags, self._deployed, self._released = found

    def version(self, version_id: int, number: str, pacticipant: str) -> PacticipantVersion:
        """The model of one of the versions."""
        return PacticipantVersion(
            pacticipant=pacticipant,
            number=number,
            order=version_id,
            branches=tuple(self._branches.get(version_id, ())),
            tags=tuple(self._tags.get(version_id, ())),
            deployed_to=tuple(self._deployed.get(version_id, ())),
            released_to=tuple(self._released.get(version_id, ())),
        )


def version_models(db: Connection, ids: Iterable[int]) -> dict[int, PacticipantVersion]:
    """Versions by id with their branches, tags and environments: five queries in all."""
    wanted = _ids(ids)
    if wanted == "[]":
        return {}
    labels = _VersionLabels(db, wanted)
    rows = db.execute(
        "SELECT v.id, v.number, p.name FROM versions v"
        " JOIN pacticipants p ON p.id = v.pacticipant_id WHERE v.id"
        " IN (SELECT value FROM json_each(?))",
        (wanted,),
    )
    return {vid: labels.version(vid, number, name) for vid, number, name in rows}


def _publication_models(db: Connection, rows: list[Row]) -> list[Publication]:
    """Models of ``_PUBLICATIONS`` rows, whose consumer version columns spare a versions query."""
    labels = _VersionLabels(db, _ids(row["consumer_version_id"] for row in rows))
    versions: dict[int, PacticipantVersion] = {}
    publications = []
    for vid, number, consumer, provider, sha, created_at, _ in rows:
        version = versions.get(vid)
        if version is None:
            version = versions[vid] = labels.version(vid, number, consumer)
        publications.append(
            Publication(
                consumer_version=version, provider=provider, pact_sha=sha, created_at=created_at
            )
        )
    return publications


def verification_candidates(db: Connection, provider: str) -> tuple[list[Publication], list[int]]:
    """Publications for the provider that any selector, pending or WIP rule can pick.

    Also returns their pact version ids, to load only the verifications that matter.
    """
    found = db.execute("SELECT id FROM pacticipants WHERE name = ?", (provider,)).fetchone()
    if found is None:
        return [], []
    # A branch with no version that has a pact for this provider contributes NULL.
    version_ids = [
        row[0] for row in db.execute(_CANDIDATE_VERSIONS, (found["id"],)) if row[0] is not None
    ]
    rows = db.execute(
        _PUBLICATIONS  # noqa: S608 - constant SQL fragments; values are bound
        + " WHERE pub.provider_id = ? AND pub.consumer_version_id"
        " IN (SELECT value FROM json_each(?)) ORDER BY cv.id",
        (found["id"], _ids(version_ids)),
    ).fetchall()
    return _publication_models(db, rows), [row["pact_version_id"] for row in rows]


def publications_of_versions(
    db: Connection, version_ids: Iterable[int], providers: Iterable[str]
) -> tuple[list[Publication], list[int]]:
    """Pacts published by these consumer versions for these providers, and their pact ids."""
    rows = db.execute(
        _PUBLICATIONS  # noqa: S608 - constant SQL fragments; values are bound
        + " WHERE pub.consumer_version_id"
        " IN (SELECT value FROM json_each(?))"
        " AND pr.name"
        " IN (SELECT value FROM json_each(?)) ORDER BY cv.id",
        (_ids(version_ids), json.dumps(sorted(set(providers)))),
    ).fetchall()
    return _publication_models(db, rows), [row["pact_version_id"] for row in rows]


def verifications_of(db: Connection, pact_version_ids: Iterable[int]) -> list[Verification]:
    """Every verification of these pact contents, oldest first."""
    rows = db.execute(
        _VERIFICATIONS  # noqa: S608 - constant SQL fragments; values are bound
        + " WHERE ver.pact_version_id"
        " IN (SELECT value FROM json_each(?)) ORDER BY ver.id",
        (_ids(pact_version_ids),),
    ).fetchall()
    versions = version_models(db, (row["provider_version_id"] for row in rows))
    return [
        Verification(
            id=row["id"],
            consumer=row["consumer_name"],
            provider=row["provider_name"],
            pact_sha=row["sha"],
            provider_version=versions[row["provider_version_id"]],
            success=bool(row["success"]),
            created_at=row["created_at"],
        )
        for row in rows
    ]
