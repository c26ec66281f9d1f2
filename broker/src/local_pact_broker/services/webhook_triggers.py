"""From domain events to queued webhook deliveries, with the template context of each.

Subscribed to the EventBus, so it runs after the publishing transaction committed. It reads the
pact, versions and verification involved, builds the official template variables once, and
queues one delivery per matching webhook (``contract_requiring_verification_published``: one per
provider version that still has to verify the pact, as the official broker).
"""

import logging
import time
from collections.abc import Callable

from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db import pacts_repository as pacts
from local_pact_broker.db import verifications_repository as verifications
from local_pact_broker.db import webhooks_repository as webhooks
from local_pact_broker.db.records import PublicationRecord, VerificationRecord
from local_pact_broker.db.storage import Connection, Database
from local_pact_broker.domain import urls
from local_pact_broker.domain.pact_metadata import encode_metadata
from local_pact_broker.services import events as event_names
from local_pact_broker.services.events import Event

logger = logging.getLogger(__name__)


def _branch(db: Connection, version_id: int) -> str:
    branches = pacticipants.branch_names_of_version(db, version_id)
    return branches[-1] if branches else ""


def _verification_fields(
    db: Connection, base: str, verification: VerificationRecord | None
) -> dict[str, str]:
    if verification is None:
        return {
            "verificationResultUrl": "",
            "githubVerificationStatus": "pending",
            "bitbucketVerificationStatus": "INPROGRESS",
        }
    success = verification.success
    url = urls.VERIFICATION_RESULT.url(
        base,
        provider=verification.provider,
        consumer=verification.consumer,
        sha=verification.sha,
        verification_id=str(verification.id),
    )
    return {
        "verificationResultUrl": url,
        "githubVerificationStatus": "success" if success else "failure",
        "bitbucketVerificationStatus": "SUCCESSFUL" if success else "FAILED",
        **_provider_version_fields(db, verification.provider_version_id),
    }


def _provider_version_fields(db: Connection, version_id: int) -> dict[str, str]:
    return {
        "providerVersionNumber": pacticipants.version_number(db, version_id) or "",
        "providerVersionBranch": _branch(db, version_id),
        "providerVersionTags": ", ".join(pacticipants.tags_of_version(db, version_id)),
    }


def pact_context(
    db: Connection,
    base: str,
    event_name: str,
    publication: PublicationRecord,
    verification: VerificationRecord | None,
) -> dict[str, str]:
    """Every template variable for a pact publication and (if any) a verification of it."""
    consumer, provider = publication.consumer, publication.provider
    number = publication.consumer_version_number
    tags = pacticipants.tags_of_version(db, publication.consumer_version_id)
    # As the official broker's pact URL for webhooks: version number, tags, webhook flag.
    metadata = encode_metadata([("cvn", number), *(("cvt[]", t) for t in tags), ("w", "true")])
    pact_url = urls.PACT_VERSION_WITH_METADATA.url(
        base, provider=provider, consumer=consumer, sha=publication.sha, metadata=metadata
    )
    context = {
        "eventName": event_name,
        "consumerName": consumer,
        "providerName": provider,
        "consumerVersionNumber": number,
        "consumerVersionBranch": _branch(db, publication.consumer_version_id),
        "consumerVersionTags": ", ".join(tags),
        "pactUrl": pact_url,
        "consumerLabels": "",
        "providerLabels": "",
        "providerVersionNumber": "",
        "providerVersionBranch": "",
        "providerVersionTags": "",
        "currentlyDeployedProviderVersionNumber": "",
    }
    context.update(_verification_fields(db, base, verification))
    return context


def required_provider_versions(
    db: Connection, provider: str, pact_version_id: int
) -> list[tuple[int, bool]]:
    """Provider versions (id, currently deployed?) that have not verified this pact content.

    The candidates are the head of the provider's main branch and every deployed or released
    version, de-duplicated; an empty list means nothing needs to verify it.
    """
    found = pacticipants.find_pacticipant(db, provider)
    if found is None:
        return []
    candidates: dict[int, bool] = {}
    if found.main_branch:
        head = pacticipants.latest_version_on_branch(db, provider, found.main_branch)
        if head is not None:
            candidates[head.id] = False
    candidates.update(dict.fromkeys(pacticipants.deployed_version_ids(db, found.id), True))
    for version_id in pacticipants.released_version_ids(db, found.id):
        candidates.setdefault(version_id, False)
    return [
        (version_id, deployed_now)
        for version_id, deployed_now in sorted(candidates.items())
        if not verifications.has_verified(db, version_id, pact_version_id)
    ]


def contexts_for_event(db: Connection, event: Event) -> list[dict[str, str]]:
    """The template contexts of one event (several for a contract requiring verification)."""
    details, base = event.details, event.base_url
    if "verificationId" in details:
        verification = verifications.find_verification(db, int(details["verificationId"]))
        if verification is None:
            return []
        rows = pacts.publications_by_sha(db, event.provider, event.consumer, verification.sha)
        if not rows:
            return []
        return [pact_context(db, base, event.name, rows[0], verification)]
    number = details.get("consumerVersionNumber", "")
    publication = pacts.publication(db, event.provider, event.consumer, number)
    if publication is None:
        return []
    verification = verifications.latest_verification(db, publication.pact_version_id)
    context = pact_context(db, base, event.name, publication, verification)
    if event.name != event_names.CONTRACT_REQUIRING_VERIFICATION_PUBLISHED:
        return [context]
    contexts = []
    for version_id, deployed in required_provider_versions(
        db, event.provider, publication.pact_version_id
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
        """Queue every delivery this event causes.

        Most events match no webhook: a read says so without taking the write lock (a write
        transaction per event made every publication and verification result pay for it).
        """
        with self._database.reading() as db:
            if not webhooks.matching_webhooks(db, event.name, event.consumer, event.provider):
                return
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
