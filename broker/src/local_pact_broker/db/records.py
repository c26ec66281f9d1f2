"""What the repositories return: stored rows as frozen dataclasses, never ``sqlite3.Row``.

Each record lists the columns it is built from (``*_COLUMNS``), in field order, so a
repository selects exactly those and builds the record positionally. Timestamps stay as
stored (ISO 8601 with microseconds); JSON columns are decoded where every reader needs them.
"""

import json
from dataclasses import dataclass
from typing import Any

from local_pact_broker.db.storage import Row


@dataclass(frozen=True, slots=True)
class PacticipantRecord:
    """A pacticipant; ``display_name`` is ``""`` when none was given."""

    id: int
    name: str
    display_name: str
    main_branch: str | None
    repository_url: str | None
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class LabelRecord:
    """One label of one pacticipant (``pacticipant`` is its name)."""

    pacticipant: str
    name: str
    created_at: str
    updated_at: str


PACTICIPANT_COLUMNS = (
    "p.id, p.name, p.display_name, p.main_branch, p.repository_url, p.created_at, p.updated_at"
)


@dataclass(frozen=True, slots=True)
class VersionRecord:
    """A version of a pacticipant (``pacticipant`` is its name)."""

    id: int
    pacticipant_id: int
    pacticipant: str
    number: str
    build_url: str | None
    created_at: str
    updated_at: str | None
    """Set by the version, branch, tag and verification resources; never by publishing."""


VERSION_COLUMNS = (
    "v.id, v.pacticipant_id, p.name, v.number, v.build_url, v.created_at, v.updated_at"
)


@dataclass(frozen=True, slots=True)
class BranchOfVersion:
    """A branch a version is on; ``latest`` if it is the branch's newest version."""

    name: str
    latest: bool


@dataclass(frozen=True, slots=True)
class BranchRecord:
    """A branch of a pacticipant and when it was first used."""

    name: str
    created_at: str


@dataclass(frozen=True, slots=True)
class VersionDetails:
    """A version with everything its HAL body shows: branches, tags and published pacts."""

    version: VersionRecord
    branches: tuple[BranchOfVersion, ...]
    tags: tuple[str, ...]
    providers: tuple[str, ...]
    """Providers the version published a pact for, by name."""


@dataclass(frozen=True, slots=True)
class PublicationRecord:
    """A pact published by a consumer version for a provider, with its content."""

    id: int
    created_at: str
    consumer_version_id: int
    consumer_version_number: str
    consumer: str
    provider: str
    sha: str
    content: str
    pact_version_id: int


PUBLICATION_COLUMNS = (
    "pub.id, pub.created_at, pub.consumer_version_id, cv.number, c.name, pr.name, pv.sha,"
    " pv.content, pv.id"
)


@dataclass(frozen=True, slots=True)
class VerificationRecord:
    """A verification result of a pact content, with the names and provider version number."""

    id: int
    pact_version_id: int
    provider_version_id: int
    success: bool
    build_url: str | None
    body: str
    """The result as published (JSON text), test results included."""
    created_at: str
    sha: str
    consumer: str
    provider: str
    provider_version_number: str

    @classmethod
    def of(cls, row: Row) -> "VerificationRecord":
        """The record of a row selected with :data:`VERIFICATION_COLUMNS`."""
        (vid, pact_version_id, provider_version_id, success, *rest) = row
        return cls(vid, pact_version_id, provider_version_id, bool(success), *rest)


VERIFICATION_COLUMNS = (
    "ver.id, ver.pact_version_id, ver.provider_version_id, ver.success, ver.build_url, ver.body,"
    " ver.created_at, pv.sha, c.name, pr.name, v.number"
)


@dataclass(frozen=True, slots=True)
class EnvironmentRecord:
    """An environment; ``contacts`` is the stored JSON text, if any."""

    id: int
    uuid: str
    name: str
    display_name: str | None
    production: bool
    contacts: str | None
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, row: Row) -> "EnvironmentRecord":
        """The record of a row selected with :data:`ENVIRONMENT_COLUMNS`."""
        eid, uuid, name, display_name, production, *rest = row
        return cls(eid, uuid, name, display_name, bool(production), *rest)


ENVIRONMENT_COLUMNS = (
    "e.id, e.uuid, e.name, e.display_name, e.production, e.contacts, e.created_at, e.updated_at"
)


@dataclass(frozen=True, slots=True)
class DeployedVersionRecord:
    """A deployment of a version to an environment (current while ``undeployed_at`` is None)."""

    id: int
    uuid: str
    version_id: int
    environment_id: int
    application_instance: str | None
    created_at: str
    undeployed_at: str | None
    number: str
    pacticipant: str


DEPLOYED_VERSION_COLUMNS = (
    "d.id, d.uuid, d.version_id, d.environment_id, d.application_instance, d.created_at,"
    " d.undeployed_at, v.number, p.name"
)


@dataclass(frozen=True, slots=True)
class ReleasedVersionRecord:
    """A release of a version to an environment (supported while ``support_ended_at`` is None)."""

    id: int
    uuid: str
    version_id: int
    environment_id: int
    created_at: str
    support_ended_at: str | None
    number: str
    pacticipant: str


RELEASED_VERSION_COLUMNS = (
    "r.id, r.uuid, r.version_id, r.environment_id, r.created_at, r.support_ended_at, v.number,"
    " p.name"
)


@dataclass(frozen=True, slots=True)
class WebhookRecord:
    """A webhook as stored: its events and request template decoded from JSON."""

    uuid: str
    description: str | None
    consumer: str | None
    provider: str | None
    events: list[dict[str, Any]]
    request: dict[str, Any]
    enabled: bool
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, row: Row) -> "WebhookRecord":
        """The record of a row selected with :data:`WEBHOOK_COLUMNS`."""
        uuid, description, consumer, provider, events, request, enabled, *stamps = row
        return cls(
            uuid,
            description,
            consumer,
            provider,
            json.loads(events),
            json.loads(request),
            bool(enabled),
            *stamps,
        )


WEBHOOK_COLUMNS = (
    "w.uuid, w.description, w.consumer, w.provider, w.events, w.request, w.enabled, w.created_at,"
    " w.updated_at"
)


@dataclass(frozen=True, slots=True)
class TriggeredWebhookRecord:
    """One queued delivery of a webhook with the template context captured at the event.

    ``context`` stays JSON text: the delivery worker decodes it per delivery, so one damaged
    row fails that delivery alone. ``webhook_request`` is the webhook's request template when
    it was asked for (the webhook may be deleted since: then it is None).
    """

    id: int
    uuid: str
    webhook_uuid: str
    event_name: str
    consumer: str
    provider: str
    context: str
    status: str
    attempts_made: int
    next_attempt_at: float | None
    created_at: str
    updated_at: str
    webhook_request: dict[str, Any] | None = None

    @classmethod
    def of(cls, row: Row) -> "TriggeredWebhookRecord":
        """The record of a row selected with :data:`TRIGGERED_WEBHOOK_COLUMNS` (and a request)."""
        tid, uuid, webhook_uuid, event_name, consumer, provider, context, status = row[:8]
        attempts_made, next_attempt_at, created_at, updated_at = row[8:12]
        request = json.loads(row[12]) if len(row) > 12 and row[12] is not None else None
        return cls(
            tid, uuid, webhook_uuid, event_name, consumer, provider, context, status,
            attempts_made, next_attempt_at, created_at, updated_at, request,
        )  # fmt: skip


TRIGGERED_WEBHOOK_COLUMNS = (
    "t.id, t.uuid, t.webhook_uuid, t.event_name, t.consumer, t.provider, t.context, t.status,"
    " t.attempts_made, t.next_attempt_at, t.created_at, t.updated_at"
)
