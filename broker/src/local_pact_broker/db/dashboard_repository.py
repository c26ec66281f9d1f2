"""Read model for the HTML pages: integrations, their branch-head pacts, verifications, deployments.

A fixed number of queries per page (no N+1), so the pages stay cheap with many versions: the
heads are found with one grouped scan, and the versions and verifications behind them are
loaded in bulk by ``models_repository``.
"""

import json
import sqlite3
from dataclasses import dataclass

from local_pact_broker.db import models_repository as models
from local_pact_broker.domain.models import Publication, Verification


@dataclass(frozen=True)
class Integration:
    """A consumer-provider pair with at least one pact, and the main branch of each."""

    consumer: str
    provider: str
    consumer_main_branch: str | None
    provider_main_branch: str | None


@dataclass(frozen=True)
class HeadPublication:
    """The newest pact of a consumer branch for a provider; ``branch`` None: of the integration."""

    branch: str | None
    publication: Publication


@dataclass(frozen=True)
class DashboardData:
    """Everything the dashboard's integration table is built from."""

    integrations: list[Integration]
    heads: list[HeadPublication]
    verifications: list[Verification]
    branch_created_at: dict[tuple[str, str], str]
    last_verified: dict[tuple[str, str, str], int]
    """Per ``(consumer, provider, consumer branch)``: the id of the newest verification of any
    pact the branch published, by the provider's main branch when there is one."""


@dataclass(frozen=True)
class PairData:
    """An integration's publications (newest first, at most the limit) and their verifications."""

    integration: Integration
    publications: list[Publication]
    verifications: list[Verification]
    branch_created_at: dict[tuple[str, str], str]
    more_publications: bool


@dataclass(frozen=True)
class Deployment:
    """A version currently deployed to (or released and supported in) an environment."""

    environment: str
    environment_display_name: str
    production: bool
    pacticipant: str
    version: str
    kind: str
    since: str
    application_instance: str | None


_INTEGRATIONS = """
SELECT DISTINCT c.name AS consumer, p.name AS provider,
    c.main_branch AS consumer_main_branch, p.main_branch AS provider_main_branch
FROM pact_versions pv
JOIN pacticipants c ON c.id = pv.consumer_id
JOIN pacticipants p ON p.id = pv.provider_id
"""

# The newest publication of each integration, and of each consumer branch for each provider.
# "Newest" is the latest consumer version, as the official broker orders them.
_HEADS = """
WITH heads AS (
    SELECT NULL AS branch, pub.provider_id, max(pub.consumer_version_id) AS version_id
    FROM pact_publications pub JOIN versions cv ON cv.id = pub.consumer_version_id
    GROUP BY cv.pacticipant_id, pub.provider_id
    UNION ALL
    SELECT b.name, pub.provider_id, max(bv.version_id)
    FROM branch_versions bv
    JOIN branches b ON b.id = bv.branch_id
    JOIN pact_publications pub ON pub.consumer_version_id = bv.version_id
    GROUP BY bv.branch_id, pub.provider_id
)
SELECT heads.branch, pub.consumer_version_id, pub.created_at, pub.pact_version_id,
    pv.sha, pr.name AS provider
FROM heads
JOIN pact_publications pub
    ON pub.consumer_version_id = heads.version_id AND pub.provider_id = heads.provider_id
JOIN pact_versions pv ON pv.id = pub.pact_version_id
JOIN pacticipants pr ON pr.id = pub.provider_id
"""

# For each consumer branch and provider, the newest verification of any pact content published
# from the branch, preferring the provider's main branch: what a row shows once its pact
# changed and is not verified yet (the official UI calls that "stale").
_LAST_VERIFIED = """
WITH candidates AS (
    SELECT bv.branch_id, pub.provider_id, ver.id, EXISTS (
        SELECT 1 FROM branch_versions pbv JOIN branches pb ON pb.id = pbv.branch_id
        WHERE pbv.version_id = ver.provider_version_id AND pb.name = pr.main_branch
    ) AS by_main
    FROM verifications ver
    JOIN pact_publications pub ON pub.pact_version_id = ver.pact_version_id
    JOIN branch_versions bv ON bv.version_id = pub.consumer_version_id
    JOIN pacticipants pr ON pr.id = pub.provider_id
), newest AS (
    SELECT branch_id, provider_id, coalesce(max(CASE WHEN by_main THEN id END), max(id)) AS id
    FROM candidates GROUP BY branch_id, provider_id
)
SELECT c.name AS consumer, pr.name AS provider, b.name AS branch,
    ver.id AS verification_id, ver.pact_version_id
FROM newest
JOIN verifications ver ON ver.id = newest.id
JOIN branches b ON b.id = newest.branch_id
JOIN pacticipants c ON c.id = b.pacticipant_id
JOIN pacticipants pr ON pr.id = newest.provider_id
"""

_PAIR_PUBLICATIONS = """
SELECT pub.consumer_version_id, pub.created_at, pub.pact_version_id, pv.sha
FROM pact_publications pub
JOIN versions cv ON cv.id = pub.consumer_version_id
JOIN pact_versions pv ON pv.id = pub.pact_version_id
WHERE cv.pacticipant_id = (SELECT id FROM pacticipants WHERE name = ?)
    AND pub.provider_id = (SELECT id FROM pacticipants WHERE name = ?)
ORDER BY pub.consumer_version_id DESC
LIMIT ?
"""

_BRANCHES_OF = """
SELECT p.name AS pacticipant, b.name AS branch, b.created_at
FROM branches b JOIN pacticipants p ON p.id = b.pacticipant_id
WHERE p.name IN (SELECT value FROM json_each(?))
"""

_DEPLOYMENTS = """
SELECT e.name AS environment, coalesce(e.display_name, e.name) AS display_name, e.production,
    p.name AS pacticipant, v.number AS version, 'deployed' AS kind, d.created_at AS since,
    d.application_instance
FROM deployed_versions d
JOIN environments e ON e.id = d.environment_id
JOIN versions v ON v.id = d.version_id
JOIN pacticipants p ON p.id = v.pacticipant_id
WHERE d.undeployed_at IS NULL
UNION ALL
SELECT e.name, coalesce(e.display_name, e.name), e.production, p.name, v.number, 'released',
    r.created_at, NULL
FROM released_versions r
JOIN environments e ON e.id = r.environment_id
JOIN versions v ON v.id = r.version_id
JOIN pacticipants p ON p.id = v.pacticipant_id
WHERE r.support_ended_at IS NULL
ORDER BY 1, 4, 7
"""


def _integration(row: sqlite3.Row) -> Integration:
    return Integration(
        consumer=row["consumer"],
        provider=row["provider"],
        consumer_main_branch=row["consumer_main_branch"] or None,
        provider_main_branch=row["provider_main_branch"] or None,
    )


def branch_created_at(db: sqlite3.Connection, names: set[str]) -> dict[tuple[str, str], str]:
    """When each branch of these pacticipants was created, by ``(pacticipant, branch)``."""
    rows = db.execute(_BRANCHES_OF, (json.dumps(sorted(names)),))
    return {(row["pacticipant"], row["branch"]): row["created_at"] for row in rows}


def _publications(
    db: sqlite3.Connection, rows: list[sqlite3.Row], provider_of: dict[int, str]
) -> list[Publication]:
    versions = models.version_models(db, (row["consumer_version_id"] for row in rows))
    return [
        Publication(
            consumer_version=versions[row["consumer_version_id"]],
            provider=provider_of[row["pact_version_id"]],
            pact_sha=row["sha"],
            created_at=row["created_at"],
        )
        for row in rows
    ]


def dashboard_data(db: sqlite3.Connection) -> DashboardData:
    """Integrations, their head pacts, the verifications of those and of earlier branch pacts."""
    integrations = [_integration(row) for row in db.execute(_INTEGRATIONS)]
    rows = db.execute(_HEADS).fetchall()
    provider_of = {row["pact_version_id"]: row["provider"] for row in rows}
    publications = _publications(db, rows, provider_of)
    heads = [
        HeadPublication(row["branch"], publication)
        for row, publication in zip(rows, publications, strict=True)
    ]
    last_verified: dict[tuple[str, str, str], int] = {}
    pact_ids = set(provider_of)
    for row in db.execute(_LAST_VERIFIED):
        last_verified[(row["consumer"], row["provider"], row["branch"])] = row["verification_id"]
        pact_ids.add(row["pact_version_id"])
    verifications = models.verifications_of(db, pact_ids)
    providers = {i.provider for i in integrations}
    return DashboardData(
        integrations, heads, verifications, branch_created_at(db, providers), last_verified
    )


def find_integration(db: sqlite3.Connection, consumer: str, provider: str) -> Integration | None:
    """The integration between the two, if the consumer ever published a pact for the provider."""
    row = db.execute(
        _INTEGRATIONS + " WHERE c.name = ? AND p.name = ?", (consumer, provider)
    ).fetchone()
    return None if row is None else _integration(row)


def pair_data(db: sqlite3.Connection, integration: Integration, limit: int) -> PairData:
    """The integration's newest ``limit`` publications and every verification of their pacts."""
    rows = db.execute(
        _PAIR_PUBLICATIONS, (integration.consumer, integration.provider, limit + 1)
    ).fetchall()
    shown = rows[:limit]
    provider_of = {row["pact_version_id"]: integration.provider for row in shown}
    return PairData(
        integration=integration,
        publications=_publications(db, shown, provider_of),
        verifications=models.verifications_of(db, provider_of),
        branch_created_at=branch_created_at(db, {integration.provider}),
        more_publications=len(rows) > limit,
    )


def deployments(db: sqlite3.Connection) -> list[Deployment]:
    """Every version currently deployed or supported, by environment then pacticipant."""
    return [
        Deployment(
            environment=row["environment"],
            environment_display_name=row["display_name"],
            production=bool(row["production"]),
            pacticipant=row["pacticipant"],
            version=row["version"],
            kind=row["kind"],
            since=row["since"],
            application_instance=row["application_instance"],
        )
        for row in db.execute(_DEPLOYMENTS)
    ]


def environments(db: sqlite3.Connection) -> list[tuple[str, bool]]:
    """Every environment's name and whether it is production, including empty ones."""
    return [
        (row["name"], bool(row["production"]))
        for row in db.execute("SELECT name, production FROM environments ORDER BY name")
    ]
