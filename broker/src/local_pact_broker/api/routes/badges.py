"""The can-i-deploy badges: an SVG saying whether the latest version may be deployed.

As the official broker: the verdict is the can-i-deploy one (``latestby=cvp``), and an unknown
pacticipant, version, branch or environment gives a grey error badge, never a 404, so a
README's image is never broken. Badges are never cached (``Cache-Control: no-cache``).
"""

from fastapi import APIRouter, Request, Response

from local_pact_broker.api.dependencies import DatabaseDep
from local_pact_broker.api.openapi_responses import SVG_BADGE
from local_pact_broker.api.routes.matrix import evaluate
from local_pact_broker.db import environments_repository as environments
from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.domain import urls
from local_pact_broker.domain.badges import Badge, badge_svg, can_i_deploy_badge, error_badge

router = APIRouter()


def _svg(badge: Badge) -> Response:
    return Response(
        badge_svg(badge), media_type="image/svg+xml", headers={"Cache-Control": "no-cache"}
    )


def _label(request: Request) -> str | None:
    """``?label=``: replaces "can-i-deploy" on the left (empty means the default)."""
    return request.query_params.get("label") or None


@router.get(urls.CAN_I_DEPLOY_BADGE.template, responses=SVG_BADGE)
def can_i_deploy_tag_badge(
    name: str,
    tag: str,
    to: str,
    request: Request,
    db: DatabaseDep,
) -> Response:
    """Can the latest version with ``tag`` be deployed to the versions tagged ``to``."""
    with db.reading() as connection:
        if pacticipants.find_pacticipant(connection, name) is None:
            return _svg(error_badge("pacticipant", "not found"))
        if pacticipants.latest_version(connection, name, tag) is None:
            return _svg(error_badge("version", "not found"))
        verdict = evaluate(
            connection,
            [{"pacticipant": name, "tag": tag, "latest": "true"}],
            None,
            True,
            to,
            latestby="cvp",
        )
    return _svg(can_i_deploy_badge(tag, to, verdict.deployable, _label(request)))


@router.get(urls.CAN_I_DEPLOY_BRANCH_BADGE.template, responses=SVG_BADGE)
def can_i_deploy_branch_badge(
    name: str, branch: str, environment: str, request: Request, db: DatabaseDep
) -> Response:
    """Can the latest version on ``branch`` be deployed to ``environment``."""
    with db.reading() as connection:
        if pacticipants.find_pacticipant(connection, name) is None:
            return _svg(error_badge("pacticipant", "not found"))
        if pacticipants.latest_version_on_branch(connection, name, branch) is None:
            if pacticipants.branch_created_at(connection, name, branch) is None:
                return _svg(error_badge("branch", "not found"))
            return _svg(error_badge("version", "not found"))
        if environments.find_environment(connection, name=environment) is None:
            return _svg(error_badge("environment", "not found"))
        verdict = evaluate(
            connection,
            [{"pacticipant": name, "branch": branch, "latest": "true"}],
            environment,
            False,
            None,
            latestby="cvp",
        )
    return _svg(can_i_deploy_badge(branch, environment, verdict.deployable, _label(request)))
