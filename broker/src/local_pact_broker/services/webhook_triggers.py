"""From domain events to queued webhook deliveries, with the template context of each.

Subscribed to the EventBus, so it runs after the publishing transaction committed. It reads the
pact, versions and verification involved, builds the official template variables once, and
queues one delivery per matching webhook (``contract_requiring_verification_published``: one per
provider version that still has to verify the pact, as the official broker).
"""

import logging
import sqlite3
import time
from collections.abc import Callable

from local_pact_broker.api.representations import pact_version_url
from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db import pacts_repository as pacts
from local_pact_broker.db import verifications_repository as verifications
from local_pact_broker.db import webhooks_repository as webhooks
from local_pact_broker.db.storage import Database
from local_pact_broker.domain.pact_metadata import encode_metadata
from local_pact_broker.services import events as event_names
from local_pact_broker.services.events import Event

logger = logging.getLogger(__name__)


def _base_of(url: str) -> str:
    """The broker base URL of one of its own pact URLs (events carry absolute URLs)."""
    return url.split("/pacts/", 1)[0]


def _branch(db: sqlite3.Connection, version_id: int) -> str:
    branches = pacticipants.branches_of_version(db, version_id)
    return str(branches[-1]["name"]) if branches else ""


def _verification_fields(
    db: sqlite3.Connection, base: str, verification: sqlite3.Row | None
) -> dict[str, str]:
    if verification is None:
        return {
            "verificationResultUrl": "",
            "githubVerificationStatus": "pending",
            "bitbucketVerificationStatus": "INPROGRESS",
        }
    success = bool(verification["success"])
    url = pact_version_url(
        base, verification["provider_name"], verification["consumer_name"], verification["sha"]
    )
    return {
        "verificationResultUrl": f"{url}/verification-results/{verification['id']}",
        "githubVerificationStatus": "success" if success else "failure",
        "bitbucketVerificationStatus": "SUCCESSFUL" if success else "FAILED",
        **_provider_version_fields(db, verification["provider_version_id"]),
    }


def _provider_version_fields(db: sqlite3.Connection, version_id: int) -> dict[str, str]:
    row = db.execute("SELECT number FROM versions WHERE id = ?", (version_id,)).fetchone()
    return {
        "providerVersionNumber": str(row["number"]) if row else "",
        "providerVersionBranch": _branch(db, version_id),
        "providerVersionTags": ", ".join(pacticipants.tags_of_version(db, version_id)),
    }


def pact_context(
    db: sqlite3.Connection,
    base: str,
    event_name: str,
    publication: sqlite3.Row,
    verification: sqlite3.Row | None,
) -> dict[str, str]:
    """Every template variable for a pact publication and (if any) a verification of it."""
    consumer, provider = publication["consumer_name"], publication["provider_name"]
    number = publication["consumer_version_number"]
    tags = pacticipants.tags_of_version(db, publication["consumer_version_id"])
    # As the official broker's pact URL for webhooks: version number, tags, webhook flag.
    metadata = encode_metadata([("cvn", number), *(("cvt[]", t) for t in tags), ("w", "true")])
    context = {
        "eventName": event_name,
        "consumerName": consumer,
        "providerName": provider,
        "consumerVersionNumber": number,
        "consumerVersionBranch": _branch(db, publication["consumer_version_id"]),
        "consumerVersionTags": ", ".join(tags),
        "pactUrl": f"{pact_version_url(base, provider, consumer, publication['sha'])}"
        f"/metadata/{metadata}",
        "consumerLabels": "",
        "providerLabels": "",
        "providerVersionNumber": "",
        "providerVersionBranch": "",
        "providerVersionTags": "",
        "currentlyDeployedProviderVersionNumber": "",
    }
    context.update(_verification_fields(db, base, verification))
    return context


def latest_verification(db: sqlite3.Connection, pact_version_id: int) -> sqlite3.Row | None:
    """The newest verification of a pact content."""
    rows = verifications.verifications_of_pact_version(db, pact_version_id)
    return rows[0] if rows else None


def required_provider_versions(
    db: sqlite3.Connection, provider: str, pact_version_id: int
) -> list[tuple[int, bool]]:
    """Provider versions (id, currently deployed?) that have not verified this pact content.

    The candidates are the head of the provider's main branch and every deployed or released
    version, de-duplicated; an empty list means nothing needs to verify it.
    """
    row = pacticipants.find_pacticipant(db, provider)
    if row is None:
        return []
    candidates: dict[int, bool] = {}
    if row["main_branch"]:
        heads = pacticipants.versions_on_branch(db, provider, row["main_branch"])
        if heads:
            candidates[int(heads[0]["id"])] = False
    deployed = db.execute(
        "SELECT DISTINCT version_id FROM deployed_versions d JOIN versions v ON v.id = d.version_id"
        " WHERE v.pacticipant_id = ? AND d.undeployed_at IS NULL",
        (row["id"],),
    ).fetchall()
    candidates.update({int(d["version_id"]): True for d in deployed})
    released = db.execute(
        "SELECT DISTINCT version_id FROM released_versions r JOIN versions v ON v.id = r.version_id"
        " WHERE v.pacticipant_id = ? AND r.support_ended_at IS NULL",
        (row["id"],),
    ).fetchall()
    for r in released:
        candidates.setdefault(int(r["version_id"]), False)
    return [
        (version_id, deployed_now)
        for version_id, deployed_now in sorted(candidates.items())
        if db.execute(
            "SELECT 1 FROM verifications WHERE provider_version_id = ? AND pact_version_id = ?",
            (version_id, pact_version_id),
        ).fetchone()
        is None
    ]


def contexts_for_event(db: sqlite3.Connection, event: Event) -> list[dict[str, str]]:
    """The template contexts of one event (several for a contract requiring verification)."""
    details = event.details
    if "verificationResultUrl" in details:
        url = details["verificationResultUrl"]
        verification = verifications.find_verification(db, int(url.rsplit("/", 1)[1]))
        if verification is None:
            return []
        rows = pacts.publications_by_sha(db, event.provider, event.consumer, verification["sha"])
        if not rows:
            return []
        return [pact_context(db, _base_of(url), event.name, rows[0], verification)]
    url = details.get("pactUrl", "")
    number = details.get("consumerVersionNumber", "")
    publication = pacts.publication(db, event.provider, event.consumer, number)
    if publication is None:
        return []
    base = _base_of(url)
    verification = latest_verification(db, publication["pact_version_id"])
    context = pact_context(db, base, event.name, publication, verification)
    if event.name != event_names.CONTRACT_REQUIRING_VERIFICATION_PUBLISHED:
        return [context]
    contexts = []
    for version_id, deployed in required_provider_versions(
        db, event.provider, publication["pact_version_id"]
    ):
        expanded = {**context, **_provider_version_fields(db, version_id)}
        if deployed:
            expanded["currentlyDeployedProviderVersionNumber"] = expanded["providerVersionNumber"]
        contexts.append(expanded)
    return contexts


class WebhookTrigger:
    """The EventBus listener: queues deliveries for matching webhooks, then wakes the worker."""

    def __init__(self, database: Database, wake: Callable[[], None]) -> None:
        self._database = database
        self._wake = wake

    def __call__(self, event: Event) -> None:
        """Queue every delivery this event causes."""
        with self._database.writing() as db:
            hooks = webhooks.matching_webhooks(db, event.name, event.consumer, event.provider)
            if not hooks:
                return
            contexts = contexts_for_event(db, event)
            for hook in hooks:
                for context in contexts:
                    webhooks.trigger(
                        db, hook, event.name, event.consumer, event.provider, context, time.time()
                    )
        logger.info("event %s queued %d webhook deliveries", event.name, len(hooks) * len(contexts))
        self._wake()
