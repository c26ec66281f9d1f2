"""The API index (``GET /``) whose links clients follow, and the heartbeat."""

from typing import NamedTuple

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from local_pact_broker.api.content_negotiation import wants_html
from local_pact_broker.api.dependencies import browser_pages
from local_pact_broker.api.hal import base_url, hal
from local_pact_broker.api.openapi_responses import INDEX, ok
from local_pact_broker.domain import urls
from local_pact_broker.domain.urls import Resource

router = APIRouter()


class IndexLink(NamedTuple):
    """One relation of the index: its resource's templated path, plus a query if any."""

    rel: str
    resource: Resource
    title: str
    templated: bool | None
    query: str = ""

    def href(self, base: str) -> str:
        """The link as the official index shows it: official placeholder names."""
        return self.resource.templated(base) + self.query


# (relation, resource, title, templated, query) exactly as the official broker 2.119 lists them.
INDEX_LINKS: tuple[IndexLink, ...] = (
    IndexLink(
        "beta:provider-pacts-for-verification",
        urls.PACTS_FOR_VERIFICATION,
        "DEPRECATED - please use pb:provider-pacts-for-verification",
        True,
    ),
    IndexLink(
        "pb:branch-pact-versions",
        urls.BRANCH_PACT_VERSIONS,
        "All versions of pacts for a provider, for a named consumers branch",
        True,
    ),
    IndexLink(
        "pb:can-i-deploy-pacticipant-version-to-environment",
        urls.CAN_I_DEPLOY,
        "Determine if an application version can be safely deployed to an environment",
        True,
        "?pacticipant={pacticipant}&version={version}&environment={environment}",
    ),
    IndexLink(
        "pb:can-i-deploy-pacticipant-version-to-tag",
        urls.CAN_I_DEPLOY,
        "Determine if an application version can be safely deployed to an environment"
        " identified by the given tag",
        True,
        "?pacticipant={pacticipant}&version={version}&to={tag}",
    ),
    IndexLink("pb:environment", urls.ENVIRONMENT, "Environment", True),
    IndexLink("pb:environments", urls.ENVIRONMENTS, "Environments", False),
    IndexLink("pb:integrations", urls.INTEGRATIONS, "Integrations", False),
    IndexLink(
        "pb:latest-branch-pact-versions",
        urls.LATEST_BRANCH_PACT_VERSIONS,
        "Latest version of pact for a provider, for a named consumers branch",
        True,
    ),
    IndexLink(
        "pb:latest-main-branch-pact-versions",
        urls.LATEST_MAIN_BRANCH_PACT_VERSIONS,
        "Latest version of pact for a provider, for a named consumers main branch",
        True,
    ),
    IndexLink("pb:latest-pact-versions", urls.LATEST_PACTS, "Latest pact versions", False),
    IndexLink(
        "pb:latest-provider-pacts", urls.LATEST_PROVIDER_PACTS, "Latest pacts by provider", True
    ),
    IndexLink(
        "pb:latest-provider-pacts-with-branch",
        urls.LATEST_PROVIDER_PACTS_WITH_BRANCH,
        "Latest pacts for a provider, for any consumers named branch",
        True,
    ),
    IndexLink(
        "pb:latest-provider-pacts-with-main-branch",
        urls.LATEST_PROVIDER_PACTS_WITH_MAIN_BRANCH,
        "Latest pact for a provider, for any consumers main branch",
        True,
    ),
    IndexLink(
        "pb:latest-provider-pacts-with-tag",
        urls.LATEST_PROVIDER_PACTS_WITH_TAG,
        "Latest pacts for provider with the specified tag",
        True,
    ),
    IndexLink(
        "pb:latest-tagged-version",
        urls.LATEST_TAGGED_VERSION,
        "Latest pacticipant version with the specified tag",
        True,
    ),
    IndexLink("pb:latest-version", urls.LATEST_VERSION, "Latest pacticipant version", True),
    IndexLink(
        "pb:main-branch-pact-versions",
        urls.MAIN_BRANCH_PACT_VERSIONS,
        "All versions of pacts for a provider, for a named consumers main branch",
        True,
    ),
    IndexLink("pb:metrics", urls.METRICS, "Get Pact Broker metrics", None),
    IndexLink("pb:pacticipant", urls.PACTICIPANT, "Fetch pacticipant by name", True),
    IndexLink("pb:pacticipant-branch", urls.BRANCH, "Get or delete a pacticipant branch", True),
    IndexLink(
        "pb:pacticipant-branch-version",
        urls.BRANCH_VERSION,
        "Get or add/create a pacticipant version for a branch",
        True,
    ),
    IndexLink(
        "pb:pacticipant-version", urls.VERSION, "Get, create or delete a pacticipant version", True
    ),
    IndexLink(
        "pb:pacticipant-version-tag",
        urls.TAG,
        "Get, create or delete a tag for a pacticipant version",
        True,
    ),
    IndexLink("pb:pacticipants", urls.PACTICIPANTS, "Pacticipants", False),
    IndexLink(
        "pb:provider-pacts",
        urls.PROVIDER_PACTS,
        "All pact versions for the specified provider",
        True,
    ),
    IndexLink(
        "pb:provider-pacts-for-verification",
        urls.PACTS_FOR_VERIFICATION,
        "Pact versions to be verified for the specified provider",
        True,
    ),
    IndexLink(
        "pb:provider-pacts-with-branch",
        urls.PROVIDER_PACTS_WITH_BRANCH,
        "All pacts for a provider, for any consumers named branch",
        True,
    ),
    IndexLink(
        "pb:provider-pacts-with-main-branch",
        urls.PROVIDER_PACTS_WITH_MAIN_BRANCH,
        "All pacts for a provider, for any consumers main branch",
        True,
    ),
    IndexLink(
        "pb:provider-pacts-with-tag",
        urls.PROVIDER_PACTS_WITH_TAG,
        "All pact versions for the provider with the specified consumer version tag",
        True,
    ),
    IndexLink("pb:publish-contracts", urls.PUBLISH_CONTRACTS, "Publish contracts", False),
    IndexLink("pb:publish-pact", urls.PACT, "Publish a pact", True),
    IndexLink(
        "pb:tagged-pact-versions",
        urls.TAGGED_PACT_VERSIONS,
        "All versions of a pact for a given consumer, provider and consumer version tag",
        False,
    ),
    IndexLink("pb:webhook", urls.WEBHOOK, "Webhook", True),
    IndexLink("pb:webhooks", urls.WEBHOOKS, "Webhooks", False),
)


@router.get(
    urls.INDEX.template,
    responses=INDEX,
)
def index(request: Request) -> Response:
    """Entry point of the API: every relation a client may follow; browsers get the dashboard.

    The answer depends on ``Accept``, so it says ``Vary: Accept``: a cache must not hand the
    HTML dashboard to a verifier or the HAL index to a browser.
    """
    if wants_html(request.headers.get("accept", "")):
        page = browser_pages(request).index(request)
        page.headers["Vary"] = "Accept"
        return page
    base = base_url(request)
    links: dict[str, object] = {}
    for entry in INDEX_LINKS:
        link: dict[str, object] = {"href": entry.href(base), "title": entry.title}
        if entry.templated is not None:
            link["templated"] = entry.templated
        links[entry.rel] = link
    docs = f"{urls.DOC.templated(base)}?context=index"
    links["curies"] = [
        {"href": docs, "name": "pb", "templated": True},
        {"href": docs, "name": "beta", "templated": True},
    ]
    links["self"] = {"href": base, "templated": False, "title": "Index"}
    links["beta:provider-pacts-for-verification"] = {
        **links["beta:provider-pacts-for-verification"],  # type: ignore[dict-item]
        "name": "beta",
    }
    answer = hal({"_links": links})
    answer.headers["Vary"] = "Accept"
    return answer


@router.get(
    urls.HEARTBEAT.template,
    responses=ok("Heartbeat"),
)
def heartbeat(request: Request) -> JSONResponse:
    """Liveness: answers as soon as the app serves requests."""
    body = {"ok": True, "_links": {"self": {"href": urls.HEARTBEAT.url(base_url(request))}}}
    return JSONResponse(body, media_type="application/hal+json")
