"""Read model for the HTML pages: integrations with their latest pact, verification, deployments.

One query per page section (no N+1): the dashboard must stay cheap with many versions.
"""

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class IntegrationSummary:
    """The newest pact of one consumer-provider pair and the newest verification of it."""

    consumer: str
    provider: str
    consumer_version: str
    consumer_branches: str
    published_at: str
    pact_sha: str
    verification_success: bool | None
    verified_at: str | None
    provider_version: str | None


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
SELECT c.name AS consumer, pr.name AS provider, cv.number AS consumer_version,
    pub.created_at AS published_at, pv.sha,
    (SELECT group_concat(b.name, ', ') FROM branch_versions bv
        JOIN branches b ON b.id = bv.branch_id WHERE bv.version_id = cv.id) AS branches,
    ver.success, ver.created_at AS verified_at, provider_version.number AS provider_version
FROM pact_publications pub
JOIN versions cv ON cv.id = pub.consumer_version_id
JOIN pacticipants c ON c.id = cv.pacticipant_id
JOIN pacticipants pr ON pr.id = pub.provider_id
JOIN pact_versions pv ON pv.id = pub.pact_version_id
LEFT JOIN verifications ver ON ver.id =
    (SELECT max(v2.id) FROM verifications v2 WHERE v2.pact_version_id = pv.id)
LEFT JOIN versions provider_version ON provider_version.id = ver.provider_version_id
WHERE cv.id = (SELECT max(cv2.id) FROM pact_publications p2
    JOIN versions cv2 ON cv2.id = p2.consumer_version_id
    WHERE p2.provider_id = pub.provider_id AND cv2.pacticipant_id = cv.pacticipant_id)
ORDER BY c.name, pr.name
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


def integrations(db: sqlite3.Connection) -> list[IntegrationSummary]:
    """Every consumer-provider pair with a pact, by consumer then provider name."""
    return [
        IntegrationSummary(
            consumer=row["consumer"],
            provider=row["provider"],
            consumer_version=row["consumer_version"],
            consumer_branches=row["branches"] or "",
            published_at=row["published_at"],
            pact_sha=row["sha"],
            verification_success=None if row["success"] is None else bool(row["success"]),
            verified_at=row["verified_at"],
            provider_version=row["provider_version"],
        )
        for row in db.execute(_INTEGRATIONS)
    ]


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


def environment_names(db: sqlite3.Connection) -> list[str]:
    """Every environment name, including ones where nothing is deployed yet."""
    return [row["name"] for row in db.execute("SELECT name FROM environments ORDER BY name")]
