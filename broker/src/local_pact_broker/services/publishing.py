"""Publishing contracts: create pacticipants, the version, its branch and tags, and the pacts.

One write transaction per publication; a conflict raises before anything is kept, and the
events go out once it has committed. The notices repeat the official broker's wording
because the official CLI prints them verbatim.
"""

import base64
import binascii
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db import pacts_repository as pacts
from local_pact_broker.db import verifications_repository as verifications
from local_pact_broker.db.records import PacticipantRecord, PublicationRecord, VersionRecord
from local_pact_broker.db.storage import Connection, Database
from local_pact_broker.domain import urls
from local_pact_broker.domain.errors import InvalidInputError, PublicationConflictError
from local_pact_broker.domain.limits import (
    MAX_TAGS_PER_VERSION,
    RefusedJsonError,
    name_problems,
    strict_json_loads,
)
from local_pact_broker.domain.pact_content import (
    InvalidPactError,
    content_diff,
    pact_sha,
    pacticipant_name,
    validate_pact,
)
from local_pact_broker.domain.publication_events import (
    content_changed_explanation,
    content_unchanged_comment,
)
from local_pact_broker.services import events as event_names
from local_pact_broker.services.events import Event, EventBus

_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]")

CONTENT_CHANGE_REFUSED = (
    "Cannot change the content of the pact for {consumer} version {number} and provider "
    "{provider}, as race conditions will cause unreliable results for can-i-deploy. Each pact "
    "must be published with a unique consumer version number. Some Pact libraries generate "
    "random data when a concrete value for a type matcher is not specified, and this can cause "
    "the contract to mutate - ensure you have given example values for all type matchers. For "
    "more information see https://docs.pact.io/go/versioning"
)


@dataclass(frozen=True)
class ContractToPublish:
    """One pact in a publication."""

    consumer: str
    provider: str
    pact: dict[str, Any]
    merge: bool = False  # ``onConflict: merge`` (the CLI's ``--merge``)

    @cached_property
    def sha(self) -> str:
        """The pact's content sha (worked out once: it encodes the whole pact)."""
        return pact_sha(self.pact)


@dataclass(frozen=True)
class PublishRequest:
    """The body of ``POST /contracts/publish`` (or a legacy ``PUT`` of one pact)."""

    pacticipant: str
    version: str
    contracts: tuple[ContractToPublish, ...]
    branch: str | None = None
    tags: tuple[str, ...] = ()
    build_url: str | None = None


@dataclass
class PublishResult:
    """What the publication did: notices for the client, events for webhooks."""

    notices: list[dict[str, str]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    created: bool = False


def _required_string(body: dict[str, Any], key: str, errors: dict[str, list[str]]) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        errors[key] = ["is missing"] if value is None else ["must be a non-blank string"]
        return ""
    return value


def _decode_contract(raw: object, index: int, errors: dict[str, list[str]]) -> ContractToPublish:
    where = f"contracts[{index}]"
    if not isinstance(raw, dict):
        errors.setdefault("contracts", []).append(f"{where} must be an object")
        return ContractToPublish("", "", {})
    content = raw.get("content")
    try:
        decoded = strict_json_loads(base64.b64decode(str(content), validate=True))
        pact = validate_pact(decoded)
    except (binascii.Error, ValueError, TypeError, RecursionError) as error:
        if isinstance(error, InvalidPactError):
            detail = "; ".join(f"{k} {' '.join(v)}" for k, v in error.messages.items())
        elif isinstance(error, RefusedJsonError):
            detail = f"pact content was refused: {error}"
        else:
            detail = "content must be base64-encoded pact JSON"
        errors.setdefault("contracts", []).append(f"{where}: {detail}")
        return ContractToPublish("", "", {})
    consumer = raw.get("consumerName") or pacticipant_name(pact, "consumer") or ""
    provider = raw.get("providerName") or pacticipant_name(pact, "provider") or ""
    if pacticipant_name(pact, "consumer") != consumer:
        errors.setdefault("contracts", []).append(
            f"{where}: consumerName '{consumer}' does not match the consumer name in the pact"
        )
    for role, value in (("consumer", consumer), ("provider", provider)):
        problems = name_problems(value, pacticipant=True) if isinstance(value, str) else []
        if problems:
            errors.setdefault("contracts", []).extend(
                f"{where}: {role} name {problem}" for problem in problems
            )
    merge = raw.get("onConflict") == "merge"
    return ContractToPublish(str(consumer), str(provider), pact, merge)


def _check_limits(
    name: str, number: str, branch: object, tags: list[str], errors: dict[str, list[str]]
) -> None:
    checks = [("pacticipantName", name, True), ("pacticipantVersionNumber", number, False)]
    if isinstance(branch, str):
        checks.append(("branch", branch, False))
    checks.extend(("tags", tag, False) for tag in tags)
    for key, value, pacticipant in checks:
        problems = name_problems(value, pacticipant=pacticipant)
        if problems:
            errors.setdefault(key, []).extend(problems)
    if len(set(tags)) > MAX_TAGS_PER_VERSION:
        errors.setdefault("tags", []).append(
            f"at most {MAX_TAGS_PER_VERSION} tags per version; got {len(set(tags))}"
        )


def parse_publish_request(body: dict[str, Any]) -> PublishRequest:
    """Validate the publish body; 400 with per-field messages when it is wrong."""
    errors: dict[str, list[str]] = {}
    name = _required_string(body, "pacticipantName", errors)
    number = _required_string(body, "pacticipantVersionNumber", errors)
    raw_contracts = body.get("contracts")
    contracts: list[ContractToPublish] = []
    if not isinstance(raw_contracts, list) or not raw_contracts:
        errors["contracts"] = ["must be a non-empty list"]
    else:
        contracts = [_decode_contract(c, i, errors) for i, c in enumerate(raw_contracts)]
    raw_tags = body.get("tags") or []
    if not isinstance(raw_tags, list) or not all(isinstance(t, str) for t in raw_tags):
        errors["tags"] = ["must be a list of strings"]
        raw_tags = []
    branch = body.get("branch")
    if branch is not None and (not isinstance(branch, str) or not branch.strip()):
        errors["branch"] = ["cannot be blank"]
    for contract in contracts:
        if contract.consumer and name and contract.consumer != name:
            errors.setdefault("contracts", []).append(
                f"The consumer name '{contract.consumer}' does not match the pacticipantName "
                f"'{name}'"
            )
    _check_limits(name, number, branch, raw_tags, errors)
    if errors:
        raise InvalidInputError(errors)
    build_url = body.get("buildUrl")
    return PublishRequest(
        pacticipant=name,
        version=number,
        contracts=tuple(contracts),
        branch=branch if isinstance(branch, str) else None,
        tags=tuple(raw_tags),
        build_url=build_url if isinstance(build_url, str) else None,
    )


def _squashed(name: str) -> str:
    """The name without case, punctuation or spaces, keeping letters of every script."""
    return _NOT_LETTER_OR_DIGIT.sub("", unicodedata.normalize("NFKC", name).casefold())


def _duplicate_name_notices(db: Connection, names: set[str], base: str) -> list[str]:
    existing = pacticipants.pacticipant_names(db)
    messages = []
    for name in sorted(names):
        if name in existing:
            continue
        similar = [e for e in existing if _squashed(e) == _squashed(name)]
        if similar:
            listed = "\n".join(f"  * {s}: {urls.PACTICIPANT.url(base, name=s)}" for s in similar)
            messages.append(
                f'This is the first time a pact has been published for "{name}".\n'
                f'The name "{name}" is very similar to the following existing pacticipants:\n'
                f"{listed}\nIf you meant to use the existing pacticipant, please change the name "
                "in your pact to match. If you really meant to create a new pacticipant, "
                "please create it explicitly first."
            )
    return messages


def _conflicts(db: Connection, request: PublishRequest) -> list[dict[str, str]]:
    notices: list[dict[str, str]] = []
    for contract in request.contracts:
        existing = pacts.publication(db, contract.provider, contract.consumer, request.version)
        if existing is None or existing.sha == contract.sha:
            continue
        text = CONTENT_CHANGE_REFUSED.format(
            consumer=contract.consumer, number=request.version, provider=contract.provider
        )
        notices.append({"type": "error", "text": text})
        old = json.loads(existing.content)
        notices.append({"type": "info", "text": content_diff(old, contract.pact)})
    return notices


def _version_notice(request: PublishRequest, created: bool) -> str:
    action = "Created" if created else "Updated"
    text = f"{action} {request.pacticipant} version {request.version}"
    if request.branch:
        text += f" with branch {request.branch}"
        if request.tags:
            text += f" and tags {', '.join(request.tags)}"
    elif request.tags:
        text += f" with tags {', '.join(request.tags)}"
    return text


def _requires_verification(db: Connection, provider: PacticipantRecord, sha: str) -> bool:
    """Whether some provider version that matters (main branch head, deployed) lacks a result."""
    candidates: list[int] = []
    if provider.main_branch:
        head = pacticipants.latest_version_on_branch(db, provider.name, provider.main_branch)
        candidates.extend([head.id] if head is not None else [])
    candidates.extend(pacticipants.current_version_ids(db, provider.id))
    return any(not verifications.verified_by(db, version_id, sha) for version_id in set(candidates))


def _pact_notices(
    db: Connection,
    request: PublishRequest,
    contract: ContractToPublish,
    version: VersionRecord,
    base: str,
    result: PublishResult,
) -> None:
    consumer = pacticipants.ensure_pacticipant(db, contract.consumer)
    provider = pacticipants.ensure_pacticipant(db, contract.provider)
    sha = contract.sha
    tags = pacticipants.tags_of_version(db, version.id)
    compared: list[str | None] = [*tags] or [None]  # None: with the previous untagged pact
    previous: dict[str | None, str | None] = {
        tag: pacts.previous_content_sha_with_tag(db, provider.id, consumer.id, version.id, tag)
        for tag in compared
    }
    outcome = pacts.publish(db, version, provider, contract.pact, sha)
    url = urls.PACT.url(
        base, provider=contract.provider, consumer=contract.consumer, number=request.version
    )
    names = [event_names.CONTRACT_PUBLISHED]
    if outcome is pacts.PublishOutcome.CREATED:
        result.created = True
        success = (
            f"Pact successfully published for {contract.consumer} version {request.version} "
            f"and provider {contract.provider}."
        )
        if _requires_verification(db, provider, sha):
            names.append(event_names.CONTRACT_REQUIRING_VERIFICATION_PUBLISHED)
        explanation = content_changed_explanation(sha, previous)
        if explanation:
            names.append(f"{event_names.CONTRACT_CONTENT_CHANGED} ({explanation})")
        else:
            names[0] = f"{event_names.CONTRACT_PUBLISHED} ({content_unchanged_comment(tags)})"
    elif contract.merge:  # the same content (anything else is refused), merged
        success = (
            f"Pact content merged with existing content for {contract.consumer} version "
            f"{request.version} and provider {contract.provider}."
        )
    else:
        success = (
            f"Pact successfully republished for {contract.consumer} version {request.version} "
            f"and provider {contract.provider} with no content changes."
        )
    result.notices.append({"type": "success", "text": success})
    result.notices.append({"type": "debug", "text": f"  View the published pact at {url}"})
    result.notices.append({"type": "debug", "text": f"  Events detected: {', '.join(names)}"})
    details = {"pactUrl": url, "consumerVersionNumber": request.version}
    for name in names:
        result.events.append(
            Event(name.split(" ", 1)[0], contract.consumer, contract.provider, base, details)
        )
    steps = []
    if not verifications.provider_has_verifications(db, provider.id):
        steps.append(
            f"    * Add Pact verification tests to the {contract.provider} build. See "
            "https://docs.pact.io/go/provider_verification"
        )
    steps.append(
        f"    * Configure separate {contract.provider} pact verification build and webhook to "
        "trigger it when the pact content changes. See https://docs.pact.io/go/webhooks"
    )
    result.notices.append({"type": "prompt", "text": "  Next steps:"})
    result.notices.extend({"type": "prompt", "text": step} for step in steps)


def publish_contracts(db: Connection, request: PublishRequest, base: str) -> PublishResult:
    """Publish every contract of the request, or none (409) if any would change content.

    The step inside a write transaction: :func:`publish` runs it in one and emits the events.
    """
    conflicts = _conflicts(db, request)
    names = {request.pacticipant} | {c.provider for c in request.contracts}
    conflicts.extend(
        {"type": "error", "text": text} for text in _duplicate_name_notices(db, names, base)
    )
    if conflicts:
        errors = [n["text"] for n in conflicts if n["type"] == "error"]
        raise PublicationConflictError(errors, conflicts)
    pacticipant = pacticipants.ensure_pacticipant(db, request.pacticipant)
    version, created = pacticipants.ensure_version(
        db, pacticipant, request.version, request.build_url
    )
    if request.branch:
        pacticipants.add_branch_version(db, version, request.branch)
    for tag in request.tags:
        pacticipants.add_tag(db, version.id, tag)
    result = PublishResult()
    result.notices.append({"type": "debug", "text": _version_notice(request, created)})
    if not request.branch:
        result.notices.append(
            {
                "type": "prompt",
                "text": "  Next steps:\n    Configure the version branch to be the value of "
                "your repository branch.",
            }
        )
    for contract in request.contracts:
        _pact_notices(db, request, contract, version, base, result)
    return result


def publish(
    database: Database, events: EventBus, request: PublishRequest, base: str
) -> PublishResult:
    """Publish in one write transaction; once committed, tell the listeners (webhooks)."""
    with database.writing() as db:
        result = publish_contracts(db, request, base)
    events.publish(result.events)
    return result


def publish_pact(
    database: Database, events: EventBus, request: PublishRequest, base: str
) -> tuple[PublishResult, PublicationRecord]:
    """Publish one pact (the legacy ``PUT``) and read back what is stored for it.

    Its names come from the URL: they are checked against the limits before the similar-name
    check, as publish's are, so a name that could never be read back is a 400, not a 409.
    """
    contract = request.contracts[0]
    errors: dict[str, list[str]] = {}
    _check_limits(contract.consumer, request.version, None, [], errors)
    if problems := name_problems(contract.provider, pacticipant=True):
        errors["provider"] = problems
    if errors:
        raise InvalidInputError(errors)
    with database.writing() as db:
        result = publish_contracts(db, request, base)
        stored = pacts.publication(db, contract.provider, contract.consumer, request.version)
    events.publish(result.events)
    if stored is None:
        raise LookupError(f"the pact just published for {contract.consumer} is not stored")
    return result, stored
