"""SQL for ``GET /metrics``: how many of each thing the broker holds."""

from dataclasses import dataclass

from local_pact_broker.db.storage import Connection


@dataclass(frozen=True)
class BrokerCounts:
    """Row counts of the broker's tables, as the official ``/metrics`` reports them."""

    pacticipants: int
    integrations: int
    pact_publications: int
    pact_versions: int
    pacticipant_versions: int
    verification_results: int
    webhooks: int
    triggered_webhooks: int
    environments: int
    deployed_versions: int
    released_versions: int


def counts(db: Connection) -> BrokerCounts:
    """One query: a count per table (integrations: distinct consumer/provider pairs)."""
    row = db.execute(
        "SELECT (SELECT COUNT(*) FROM pacticipants),"
        " (SELECT COUNT(*) FROM (SELECT DISTINCT consumer_id, provider_id FROM pact_versions)),"
        " (SELECT COUNT(*) FROM pact_publications), (SELECT COUNT(*) FROM pact_versions),"
        " (SELECT COUNT(*) FROM versions), (SELECT COUNT(*) FROM verifications),"
        " (SELECT COUNT(*) FROM webhooks), (SELECT COUNT(*) FROM triggered_webhooks),"
        " (SELECT COUNT(*) FROM environments), (SELECT COUNT(*) FROM deployed_versions),"
        " (SELECT COUNT(*) FROM released_versions)"
    ).fetchone()
    return BrokerCounts(*(int(value) for value in row))
