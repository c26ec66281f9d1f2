"""``/pacts/provider/{p}/provider-states``: the states used by the pacts a provider verifies.

``provider-states list`` of the official CLI reads it: by default for each consumer's latest
pact from its main branch, or for the latest pacts from a branch, or for the consumer versions
currently deployed or released to an environment (named, as the CLI sends it).
"""

import json

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from local_pact_broker.api.dependencies import DatabaseDep
from local_pact_broker.api.errors import not_found
from local_pact_broker.api.hal import hal
from local_pact_broker.api.openapi_responses import NOT_FOUND, ok
from local_pact_broker.db import models_repository as models
from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db import pacts_repository as pacts
from local_pact_broker.db.storage import Database
from local_pact_broker.domain import urls
from local_pact_broker.domain.provider_states import provider_states
from local_pact_broker.domain.selectors import ConsumerVersionSelector, select_publications

router = APIRouter()


def _answer(db: Database, provider: str, selector: ConsumerVersionSelector) -> JSONResponse:
    with db.reading() as connection:
        if pacticipants.find_pacticipant(connection, provider) is None:
            raise not_found()
        publications, _ = models.verification_candidates(connection, provider)
        main_branches = pacticipants.main_branches(connection)
        selected = select_publications([selector], publications, None, main_branches)
        picked = sorted({s.publication for s in selected}, key=lambda p: p.consumer_version.order)
        contents = []
        for picked_one in picked:
            consumer, sha = picked_one.consumer, picked_one.pact_sha
            content = pacts.pact_content(connection, provider, consumer, sha)
            if content is not None:
                contents.append((consumer, json.loads(content)))
    return hal({"providerStates": provider_states(contents)})


@router.get(
    urls.PROVIDER_STATES.template,
    responses={**ok("ProviderStates"), **NOT_FOUND},
)
def provider_states_for_main_branches(
    provider: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """States of each consumer's latest pact from its main branch."""
    return _answer(db, provider, ConsumerVersionSelector(main_branch=True))


@router.get(
    urls.PROVIDER_STATES_FOR_BRANCH.template,
    responses={**ok("ProviderStates"), **NOT_FOUND},
)
def provider_states_for_branch(
    provider: str, branch: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """States of each consumer's latest pact from a branch."""
    return _answer(db, provider, ConsumerVersionSelector(branch=branch, latest=True))


@router.get(
    urls.PROVIDER_STATES_FOR_ENVIRONMENT.template,
    responses={**ok("ProviderStates"), **NOT_FOUND},
)
def provider_states_for_environment(
    provider: str, environment: str, request: Request, db: DatabaseDep
) -> JSONResponse:
    """States of the pacts of consumer versions currently deployed or released there."""
    return _answer(db, provider, ConsumerVersionSelector(environment=environment))
