"""``/pacts/provider/{p}/for-verification``: the pacts a provider build must verify."""

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from local_pact_broker import models_repository as models
from local_pact_broker import pacticipants_repository as pacticipants
from local_pact_broker.dependencies import database
from local_pact_broker.errors import validation_failed
from local_pact_broker.hal import base_url, hal
from local_pact_broker.pact_metadata import encode_metadata
from local_pact_broker.pending import PendingQuery
from local_pact_broker.representations import pact_version_url
from local_pact_broker.request_body import json_body, json_object
from local_pact_broker.selectors import SelectorError, default_selectors, parse_selectors
from local_pact_broker.storage import Database
from local_pact_broker.verifiable_pacts import (
    VerificationRequest,
    url_metadata,
    verifiable_pacts,
)
from local_pact_broker.verification_notices import (
    BETA_API_WARNING,
    short_description,
    verification_notices,
)

router = APIRouter()
PATH = "/pacts/provider/{provider}/for-verification"


def _answer(
    request: Request, db: Database, provider: str, data: dict[str, Any], beta: bool
) -> JSONResponse:
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
        main_branches = {
            str(row["name"]): row["main_branch"]
            for row in pacticipants.all_pacticipants(connection)
        }
        created_at = (
            pacticipants.branch_created_at(connection, provider, branch) if branch else None
        )
    verification_request = VerificationRequest(
        selectors=tuple(selectors or default_selectors(publications, main_branches)),
        pending=PendingQuery(provider, branch, tags, created_at),
        include_pending_status=bool(data.get("includePendingStatus", beta)),
        include_wip_pacts_since=wip_since,
    )
    embedded = []
    for pact in verifiable_pacts(verification_request, publications, results, main_branches):
        permalink = pact_version_url(base, provider, pact.consumer, pact.pact_sha)
        pairs = url_metadata(pact, branch, defaulted=not selectors)
        notices = verification_notices(pact, permalink, main_branches.get(pact.consumer), branch)
        if beta:
            notices.insert(0, {"when": "before_verification", "text": BETA_API_WARNING})
        properties: dict[str, Any] = {"notices": notices}
        if pact.pending is not None:
            properties["pending"] = pact.pending
        if pact.wip:
            properties["wip"] = True
        title = f"Pact between {pact.consumer} ({pact.consumer_version.number}) and {provider}"
        embedded.append(
            {
                "shortDescription": short_description(pact),
                "verificationProperties": properties,
                "_links": {
                    "self": {
                        "href": f"{permalink}/metadata/{encode_metadata(pairs)}",
                        "name": title,
                    }
                },
            }
        )
    return hal(
        {
            "_embedded": {"pacts": embedded},
            "_links": {
                "self": {
                    "href": f"{base}/pacts/provider/{provider}/for-verification",
                    "title": "Pacts to be verified",
                }
            },
        }
    )


@router.get(PATH)
def pacts_for_verification_get(
    provider: str,
    request: Request,
    db: Database = Depends(database),  # noqa: B008
) -> JSONResponse:
    """The beta GET form: query parameters instead of a body, with a deprecation notice."""
    params = request.query_params
    data: dict[str, Any] = {}
    if "providerVersionBranch" in params:
        data["providerVersionBranch"] = params["providerVersionBranch"]
    if "includePendingStatus" in params:
        data["includePendingStatus"] = params["includePendingStatus"] == "true"
    if "includeWipPactsSince" in params:
        data["includeWipPactsSince"] = params["includeWipPactsSince"]
    tags = params.getlist("providerVersionTags[]") or params.getlist("providerVersionTags")
    if tags:
        data["providerVersionTags"] = tags
    return _answer(request, db, provider, data, beta=True)


@router.post(PATH)
def pacts_for_verification_post(
    provider: str,
    request: Request,
    body: Any = Depends(json_body),  # noqa: ANN401, B008
    db: Database = Depends(database),  # noqa: B008
) -> JSONResponse:
    """Pacts picked by the consumer version selectors, with pending and WIP status."""
    return _answer(request, db, provider, json_object(body), beta=False)
