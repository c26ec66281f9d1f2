"""The API index (``GET /``) whose links clients follow, and the heartbeat."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from local_pact_broker.api.content_negotiation import wants_html
from local_pact_broker.api.hal import base_url, hal
from local_pact_broker.api.openapi_responses import INDEX, ok
from local_pact_broker.ui.pages import dashboard_response

router = APIRouter()

# (relation, path, title, templated) exactly as the official broker 2.119 lists them.
INDEX_LINKS: tuple[tuple[str, str, str, bool | None], ...] = (
    (
        "beta:provider-pacts-for-verification",
        "/pacts/provider/{provider}/for-verification",
        "DEPRECATED - please use pb:provider-pacts-for-verification",
        True,
    ),
    (
        "pb:branch-pact-versions",
        "/pacts/provider/{provider}/consumer/{consumer}/branch/{branch}",
        "All versions of pacts for a provider, for a named consumers branch",
        True,
    ),
    (
        "pb:can-i-deploy-pacticipant-version-to-environment",
        "/can-i-deploy?pacticipant={pacticipant}&version={version}&environment={environment}",
        "Determine if an application version can be safely deployed to an environment",
        True,
    ),
    (
        "pb:can-i-deploy-pacticipant-version-to-tag",
        "/can-i-deploy?pacticipant={pacticipant}&version={version}&to={tag}",
        "Determine if an application version can be safely deployed to an environment"
        " identified by the given tag",
        True,
    ),
    (
        "pb:environment",
        "/environments/{uuid}",
        "Environment",
        True,
    ),
    (
        "pb:environments",
        "/environments",
        "Environments",
        False,
    ),
    (
        "pb:integrations",
        "/integrations",
        "Integrations",
        False,
    ),
    (
        "pb:latest-branch-pact-versions",
        "/pacts/provider/{provider}/consumer/{consumer}/branch/{branch}/latest/versions",
        "Latest version of pact for a provider, for a named consumers branch",
        True,
    ),
    (
        "pb:latest-main-branch-pact-versions",
        "/pacts/provider/{provider}/consumer/{consumer}/branch/latest/versions",
        "Latest version of pact for a provider, for a named consumers main branch",
        True,
    ),
    (
        "pb:latest-pact-versions",
        "/pacts/latest",
        "Latest pact versions",
        False,
    ),
    (
        "pb:latest-provider-pacts",
        "/pacts/provider/{provider}/latest",
        "Latest pacts by provider",
        True,
    ),
    (
        "pb:latest-provider-pacts-with-branch",
        "/pacts/provider/{provider}/branch/{branch}/latest",
        "Latest pacts for a provider, for any consumers named branch",
        True,
    ),
    (
        "pb:latest-provider-pacts-with-main-branch",
        "/pacts/provider/{provider}/branch/latest",
        "Latest pact for a provider, for any consumers main branch",
        True,
    ),
    (
        "pb:latest-provider-pacts-with-tag",
        "/pacts/provider/{provider}/latest/{tag}",
        "Latest pacts for provider with the specified tag",
        True,
    ),
    (
        "pb:latest-tagged-version",
        "/pacticipants/{pacticipant}/latest-version/{tag}",
        "Latest pacticipant version with the specified tag",
        True,
    ),
    (
        "pb:latest-version",
        "/pacticipants/{pacticipant}/latest-version",
        "Latest pacticipant version",
        True,
    ),
    (
        "pb:main-branch-pact-versions",
        "/pacts/provider/{provider}/consumer/{consumer}/branch/versions",
        "All versions of pacts for a provider, for a named consumers main branch",
        True,
    ),
    (
        "pb:metrics",
        "/metrics",
        "Get Pact Broker metrics",
        None,
    ),
    (
        "pb:pacticipant",
        "/pacticipants/{pacticipant}",
        "Fetch pacticipant by name",
        True,
    ),
    (
        "pb:pacticipant-branch",
        "/pacticipants/{pacticipant}/branches/{branch}",
        "Get or delete a pacticipant branch",
        True,
    ),
    (
        "pb:pacticipant-branch-version",
        "/pacticipants/{pacticipant}/branches/{branch}/versions/{version}",
        "Get or add/create a pacticipant version for a branch",
        True,
    ),
    (
        "pb:pacticipant-version",
        "/pacticipants/{pacticipant}/versions/{version}",
        "Get, create or delete a pacticipant version",
        True,
    ),
    (
        "pb:pacticipant-version-tag",
        "/pacticipants/{pacticipant}/versions/{version}/tags/{tag}",
        "Get, create or delete a tag for a pacticipant version",
        True,
    ),
    (
        "pb:pacticipants",
        "/pacticipants",
        "Pacticipants",
        False,
    ),
    (
        "pb:provider-pacts",
        "/pacts/provider/{provider}",
        "All pact versions for the specified provider",
        True,
    ),
    (
        "pb:provider-pacts-for-verification",
        "/pacts/provider/{provider}/for-verification",
        "Pact versions to be verified for the specified provider",
        True,
    ),
    (
        "pb:provider-pacts-with-branch",
        "/pacts/provider/{provider}/branch/{branch}",
        "All pacts for a provider, for any consumers named branch",
        True,
    ),
    (
        "pb:provider-pacts-with-main-branch",
        "/pacts/provider/{provider}/branch",
        "All pacts for a provider, for any consumers main branch",
        True,
    ),
    (
        "pb:provider-pacts-with-tag",
        "/pacts/provider/{provider}/tag/{tag}",
        "All pact versions for the provider with the specified consumer version tag",
        True,
    ),
    (
        "pb:publish-contracts",
        "/contracts/publish",
        "Publish contracts",
        False,
    ),
    (
        "pb:publish-pact",
        "/pacts/provider/{provider}/consumer/{consumer}/version/{consumerApplicationVersion}",
        "Publish a pact",
        True,
    ),
    (
        "pb:tagged-pact-versions",
        "/pacts/provider/{provider}/consumer/{consumer}/tag/{tag}",
        "All versions of a pact for a given consumer, provider and consumer version tag",
        False,
    ),
    (
        "pb:webhook",
        "/webhooks/{uuid}",
        "Webhook",
        True,
    ),
    (
        "pb:webhooks",
        "/webhooks",
        "Webhooks",
        False,
    ),
)


@router.get(
    "/",
    responses=INDEX,
)
def index(request: Request) -> Response:
    """Entry point of the API: every relation a client may follow; browsers get the dashboard.

    The answer depends on ``Accept``, so it says ``Vary: Accept``: a cache must not hand the
    HTML dashboard to a verifier or the HAL index to a browser.
    """
    if wants_html(request.headers.get("accept", "")):
        page = dashboard_response(request)
        page.headers["Vary"] = "Accept"
        return page
    base = base_url(request)
    links: dict[str, object] = {}
    for rel, path, title, templated in INDEX_LINKS:
        entry: dict[str, object] = {"href": base + path, "title": title}
        if templated is not None:
            entry["templated"] = templated
        links[rel] = entry
    links["curies"] = [
        {"href": f"{base}/doc/{{rel}}?context=index", "name": "pb", "templated": True},
        {"href": f"{base}/doc/{{rel}}?context=index", "name": "beta", "templated": True},
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
    "/diagnostic/status/heartbeat",
    responses=ok("Heartbeat"),
)
def heartbeat(request: Request) -> JSONResponse:
    """Liveness: answers as soon as the app serves requests."""
    body = {
        "ok": True,
        "_links": {"self": {"href": f"{base_url(request)}/diagnostic/status/heartbeat"}},
    }
    return JSONResponse(body, media_type="application/hal+json")
