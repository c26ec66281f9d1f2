"""``/pacts/provider/{p}/for-verification``: the pacts a provider build must verify."""

from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from local_pact_broker.api.dependencies import DatabaseDep, JsonBodyDep
from local_pact_broker.api.errors import validation_failed
from local_pact_broker.api.hal import base_url, compact_json, hal_text
from local_pact_broker.api.openapi_responses import (
    BODY_REFUSED,
    FOR_VERIFICATION_QUERY,
    INVALID,
    json_body,
    ok,
)
from local_pact_broker.api.request_body import json_object
from local_pact_broker.db import models_repository as models
from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db.storage import Database
from local_pact_broker.domain import urls
from local_pact_broker.domain.pact_metadata import encode_metadata
from local_pact_broker.domain.pending import PendingQuery
from local_pact_broker.domain.selectors import SelectorError, default_selectors, parse_selectors
from local_pact_broker.domain.verifiable_pacts import (
    VerifiablePact,
    VerificationRequest,
    url_metadata,
    verifiable_pacts,
)
from local_pact_broker.domain.verification_notices import (
    BETA_API_WARNING,
    inclusion_notice,
    pending_status_notices,
    short_description,
)

router = APIRouter()


def _answer(
    request: Request, db: Database, provider: str, data: dict[str, Any], beta: bool
) -> Response:
    branch = data.get("providerVersionBranch")
    branch = branch if isinstance(branch, str) else None
    raw_tags = data.get("providerVersionTags") or []
    tags = tuple(t for t in raw_tags if isinstance(t, str)) if isinstance(raw_tags, list) else ()
    try:
        selectors = parse_selectors(data.get("consumerVersionSelectors"), branch)
    except SelectorError as error:
        raise validation_failed({"consumerVersionSelectors": error.messages}) from None
    if branch == "" and (data.get("includePendingStatus") or data.get("includeWipPactsSince")):
        raise validation_failed(
            {
                "providerVersionBranch": [
                    "when pending or WIP pacts are enabled and there are no tags provided, the "
                    "provider version branch must not be an empty string, as it is used in the "
                    "calculations for WIP/pending. A value must be provided (recommended), or it "
                    "must not be set at all."
                ]
            }
        )
    base = base_url(request)
    since = data.get("includeWipPactsSince")
    wip_since = since if isinstance(since, str) and since else None
    with db.reading() as connection:
        publications, pact_ids = models.verification_candidates(connection, provider)
        results = models.verifications_of(connection, pact_ids)
        main_branches = pacticipants.main_branches(connection)
        created_at = (
            pacticipants.branch_created_at(connection, provider, branch) if branch else None
        )
    verification_request = VerificationRequest(
        selectors=tuple(selectors or default_selectors(publications, main_branches)),
        pending=PendingQuery(provider, branch, tags, created_at),
        include_pending_status=bool(data.get("includePendingStatus", beta)),
        include_wip_pacts_since=wip_since,
    )
    entries = []
    for pact in verifiable_pacts(verification_request, publications, results, main_branches):
        permalink = urls.PACT_VERSION.url(
            base, provider=provider, consumer=pact.consumer, sha=pact.pact_sha
        )
        pairs = url_metadata(pact, branch, defaulted=not selectors)
        notices = _notices_json(pact, permalink, main_branches.get(pact.consumer), branch, beta)
        title = f"Pact between {pact.consumer} ({pact.consumer_version.number}) and {provider}"
        href = urls.PACT_VERSION_METADATA_BELOW_PERMALINK(
            permalink, metadata=encode_metadata(pairs)
        )
        entries.append(_pact_json(pact, notices, href, title))
    links = {
        "self": {
            "href": urls.PACTS_FOR_VERIFICATION.url(base, provider=provider),
            "title": "Pacts to be verified",
        }
    }
    return hal_text(
        f'{{"_embedded":{{"pacts":[{",".join(entries)}]}},"_links":{compact_json(links)}}}'
    )


def _notice_json(when: str, text: str) -> str:
    return f'{{"when":{compact_json(when)},"text":{compact_json(text)}}}'


_BETA_NOTICE_JSON = _notice_json("before_verification", BETA_API_WARNING)
_WIP_METADATA = encode_metadata([("wip", "true")])
"""The metadata of a WIP pact's notice URL: the same for every WIP pact, so encoded once."""


@lru_cache(maxsize=256)
def _status_notices_json(
    provider: str,
    pending: bool | None,
    wip: bool,
    pending_tags: tuple[str, ...],
    provider_branch: str | None,
) -> str:
    """The pending-state notices as JSON array members, each after a comma.

    Cached like :func:`pending_status_notices`: encoding the same five long texts again for
    each of hundreds of pacts was most of the cost of the response.
    """
    notices = pending_status_notices(provider, pending, wip, pending_tags, provider_branch)
    return "".join(f",{_notice_json(when, text)}" for when, text in notices)


def _notices_json(
    pact: VerifiablePact,
    permalink: str,
    main_branch: str | None,
    provider_branch: str | None,
    beta: bool,
) -> str:
    """``verificationProperties.notices`` as JSON: see :func:`verification_notices`."""
    if pact.wip:  # as the official broker, which marks the notice's URL ``wip=true``
        permalink = urls.PACT_VERSION_METADATA_BELOW_PERMALINK(permalink, metadata=_WIP_METADATA)
    inclusion = inclusion_notice(pact, permalink, main_branch, provider_branch)
    first = _notice_json(inclusion["when"], inclusion["text"])
    if beta:
        first = f"{_BETA_NOTICE_JSON},{first}"
    status = _status_notices_json(
        pact.provider, pact.pending, pact.wip, pact.pending_tags, provider_branch
    )
    return f"[{first}{status}]"


def _pact_json(pact: VerifiablePact, notices_json: str, href: str, name: str) -> str:
    """One entry of ``_embedded.pacts`` as JSON text, in the official key order.

    Byte for byte what :func:`compact_json` makes of ``{"shortDescription",
    "verificationProperties": {"notices", "pending"?, "wip"?}, "_links": {"self": {"href",
    "name"}}}``.

    Only strings go through the encoder: it sets itself up anew for every object or list,
    which dominated when done for the few small objects of each of hundreds of pacts.
    """
    flags = ""
    if pact.pending is not None:
        flags += ',"pending":true' if pact.pending else ',"pending":false'
    if pact.wip:
        flags += ',"wip":true'
    return (
        f'{{"shortDescription":{compact_json(short_description(pact))},'
        f'"verificationProperties":{{"notices":{notices_json}{flags}}},'
        f'"_links":{{"self":{{"href":{compact_json(href)},"name":{compact_json(name)}}}}}}}'
    )


_FLAGS = {"latest", "mainBranch", "matchingBranch", "deployed", "released", "deployedOrReleased"}


def _camel(key: str) -> str:
    """``provider_version_branch`` -> ``providerVersionBranch``; camelCase stays as it is."""
    head, *rest = key.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def selectors_from_query(pairs: list[tuple[str, str]]) -> list[dict[str, Any]] | None:
    """``consumer_version_selectors[][tag]=dev&...[][latest]=true`` as Rack nests it.

    A key already present in the last selector starts the next one, as Rack's
    ``parse_nested_query`` does for arrays of hashes.
    """
    selectors: list[dict[str, Any]] | None = None
    for name, value in pairs:
        prefix, _, rest = name.partition("[][")
        if _camel(prefix) != "consumerVersionSelectors" or not rest.endswith("]"):
            continue
        key = _camel(rest[:-1])
        selectors = selectors if selectors is not None else []
        if not selectors or key in selectors[-1]:
            selectors.append({})
        selectors[-1][key] = value == "true" if key in _FLAGS else value
    return selectors


@router.get(
    urls.PACTS_FOR_VERIFICATION.template,
    responses={**ok("PactsForVerification"), **INVALID},
    openapi_extra=FOR_VERIFICATION_QUERY,
)
def pacts_for_verification_get(
    provider: str,
    request: Request,
    db: DatabaseDep,
) -> Response:
    """The beta GET form: query parameters (snake_case or camelCase) instead of a body."""
    params = {_camel(name): value for name, value in request.query_params.items()}
    data: dict[str, Any] = {}
    if "providerVersionBranch" in params:
        data["providerVersionBranch"] = params["providerVersionBranch"]
    if "includePendingStatus" in params:
        data["includePendingStatus"] = params["includePendingStatus"] == "true"
    if "includeWipPactsSince" in params:
        data["includeWipPactsSince"] = params["includeWipPactsSince"]
    items = request.query_params.multi_items()
    tags = [v for k, v in items if _camel(k.removesuffix("[]")) == "providerVersionTags"]
    if tags:
        data["providerVersionTags"] = tags
    selectors = selectors_from_query(items)
    if selectors is not None:
        data["consumerVersionSelectors"] = selectors
    return _answer(request, db, provider, data, beta=True)


@router.post(
    urls.PACTS_FOR_VERIFICATION.template,
    responses={**ok("PactsForVerification"), **BODY_REFUSED},
    openapi_extra=json_body("PactsForVerificationRequest", required=False),
)
def pacts_for_verification_post(
    provider: str,
    request: Request,
    body: JsonBodyDep,
    db: DatabaseDep,
) -> Response:
    """Pacts picked by the consumer version selectors, with pending and WIP status."""
    return _answer(request, db, provider, json_object(body), beta=False)
