"""Publishing a verification result: validate it, store it with the provider version, emit events.

The provider version (with its branch and tags) and the result are stored in one write
transaction; the ``provider_verification_*`` events go out once it has committed.
"""

from dataclasses import dataclass
from typing import Any

from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db import pacts_repository as pacts
from local_pact_broker.db import verifications_repository as verifications
from local_pact_broker.db.storage import Database
from local_pact_broker.domain import urls
from local_pact_broker.domain.body_fields import list_field_errors
from local_pact_broker.domain.errors import InvalidInputError, NotFoundError
from local_pact_broker.services import events as event_names
from local_pact_broker.services.events import Event, EventBus


@dataclass(frozen=True)
class VerificationToPublish:
    """A result for one pact content (by sha), as the verifier sent it (already validated)."""

    provider: str
    consumer: str
    sha: str
    body: dict[str, Any]

    @property
    def provider_version(self) -> str:
        """The provider version that verified the pact."""
        return str(self.body["providerApplicationVersion"])

    @property
    def success(self) -> bool:
        """Whether the verification passed."""
        return bool(self.body["success"])


@dataclass(frozen=True)
class PublishedVerification:
    """What was stored: the result's id and time, and the consumer version it is shown with."""

    id: int
    created_at: str
    consumer_version: str
    url: str
    """The result's own URL (``pb:verification-result``)."""


def validate(body: dict[str, Any]) -> None:
    """400 with the official per-field messages unless the body is a verification result."""
    errors: dict[str, list[str]] = {}
    if not isinstance(body.get("success"), bool):
        errors["success"] = ["must be true or false"]
    number = body.get("providerApplicationVersion")
    if not isinstance(number, str) or not number.strip():
        errors["providerApplicationVersion"] = ["can't be blank"]
    if "testResults" in body and not isinstance(body["testResults"], list | dict):
        errors["testResults"] = ["must be a list"]
    errors.update(list_field_errors(body, "providerVersionTags", str, "strings"))
    if errors:
        raise InvalidInputError(errors)


def publish_verification(
    database: Database, events: EventBus, result: VerificationToPublish, base: str
) -> PublishedVerification:
    """Store the result (404 if the pact content is unknown), then emit the events."""
    validate(result.body)
    body = result.body
    with database.writing() as db:
        pact_version_id = pacts.pact_version_id(db, result.provider, result.consumer, result.sha)
        consumer_version = pacts.latest_consumer_version_of_content(
            db, result.provider, result.consumer, result.sha
        )
        if pact_version_id is None or consumer_version is None:
            raise NotFoundError()
        provider = pacticipants.ensure_pacticipant(db, result.provider)
        version, _ = pacticipants.ensure_version(
            db, provider, result.provider_version, updated=True
        )
        branch = body.get("providerVersionBranch") or body.get("branch")
        if isinstance(branch, str) and branch:
            pacticipants.add_branch_version(db, version, branch)
        for tag in body.get("providerVersionTags") or []:
            if isinstance(tag, str):
                pacticipants.add_tag(db, version.id, tag)
        verification_id, created_at = verifications.create_verification(
            db, pact_version_id, version.id, body
        )
    url = urls.VERIFICATION_RESULT.url(
        base,
        provider=result.provider,
        consumer=result.consumer,
        sha=result.sha,
        verification_id=str(verification_id),
    )
    outcome = (
        event_names.PROVIDER_VERIFICATION_SUCCEEDED
        if result.success
        else event_names.PROVIDER_VERIFICATION_FAILED
    )
    details = {
        "verificationResultUrl": url,
        "verificationId": str(verification_id),
        "providerVersionNumber": result.provider_version,
    }
    events.publish(
        [
            Event(
                event_names.PROVIDER_VERIFICATION_PUBLISHED,
                result.consumer,
                result.provider,
                base,
                details,
            ),
            Event(outcome, result.consumer, result.provider, base, details),
        ]
    )
    return PublishedVerification(verification_id, created_at, consumer_version, url)
