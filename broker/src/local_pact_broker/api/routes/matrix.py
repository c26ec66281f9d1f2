"""``GET /matrix`` and ``GET /can-i-deploy``: answering whether a version may be deployed."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from local_pact_broker.api.content_negotiation import wants_html
from local_pact_broker.api.dependencies import DatabaseDep, browser_pages
from local_pact_broker.api.errors import not_found, validation_failed
from local_pact_broker.api.hal import base_url, hal, link
from local_pact_broker.api.openapi_responses import (
    CAN_I_DEPLOY_QUERY,
    INVALID,
    MATRIX_LIMIT_QUERY,
    MATRIX_QUERY,
    NOT_FOUND_OR_HTML,
    ok,
    ok_or_html,
)
from local_pact_broker.api.representations import branch_versions
from local_pact_broker.db import environments_repository as environments
from local_pact_broker.db import models_repository as models
from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db.records import EnvironmentRecord, VersionRecord
from local_pact_broker.db.storage import Connection
from local_pact_broker.domain import urls
from local_pact_broker.domain.can_i_deploy import (
    Ignored,
    MatrixRow,
    Mode,
    Side,
    Verdict,
    decide,
    selection_mode,
)
from local_pact_broker.domain.display_names import display_name
from local_pact_broker.domain.matrix_query import can_i_deploy_query_errors, matrix_limit
from local_pact_broker.domain.models import PacticipantVersion
from local_pact_broker.domain.pact_metadata import encode_metadata
from local_pact_broker.domain.timestamps import display

router = APIRouter()


def _parse_selectors(request: Request, prefix: str = "q[][") -> list[dict[str, str]]:
    selectors: list[dict[str, str]] = []
    for key, value in request.query_params.multi_items():
        if not key.startswith(prefix) or not key.endswith("]"):
            continue
        field = key[len(prefix) : -1]
        if field == "pacticipant" or not selectors or field in selectors[-1]:
            selectors.append({})
        selectors[-1][field] = value
    return selectors


def _models(db: Connection, rows: list[VersionRecord]) -> tuple[PacticipantVersion, ...]:
    """The versions' models, in the rows' order (one query per table, however many)."""
    found = models.version_models(db, (row.id for row in rows))
    return tuple(found[row.id] for row in rows)


def _main_branch(db: Connection, name: str) -> str | None:
    found = pacticipants.find_pacticipant(db, name)
    return found.main_branch if found is not None and found.main_branch else None


def _resolve(db: Connection, selector: dict[str, str]) -> Side:
    """The versions a ``q[]`` selector picks (:func:`selection_mode` says how)."""
    name = selector.get("pacticipant", "")
    mode = selection_mode(selector)
    if mode is Mode.VERSION:
        number = selector["version"]
        row = pacticipants.find_version(db, name, number)
        return Side(name, _models(db, [row] if row else []), mode, requested_number=number)
    branch = selector.get("branch") or None
    if selector.get("mainBranch") == "true":
        branch = _main_branch(db, name)
        if branch is None:
            return Side(name, (), Mode.LATEST)
    tag = selector.get("tag") or None
    environment = selector.get("environment") or None
    rows: list[VersionRecord]
    if branch:
        rows = pacticipants.versions_on_branch(db, name, branch)
    elif environment and not tag:
        rows = environments.versions_in_environment(db, name, environment)
        rows = rows[-1:] if mode is Mode.LATEST else rows
    elif mode is Mode.LATEST:
        latest = pacticipants.latest_version(db, name, tag)
        rows = [latest] if latest else []
    else:
        rows = pacticipants.versions_of(db, name, tag)
    if mode is Mode.LATEST:
        rows = rows[:1]
    return Side(name, _models(db, rows), mode, environment=environment, branch=branch, tag=tag)


def _other_side(
    db: Connection,
    name: str,
    environment: str | None,
    latest: bool,
    tag: str | None,
    main_branch: bool = False,
) -> Side:
    if environment:
        rows = environments.versions_in_environment(db, name, environment)
        return Side(name, _models(db, rows), Mode.ENVIRONMENT, environment=environment)
    if main_branch:
        # can-i-merge: the latest version of each integrated pacticipant's main branch.
        branch = _main_branch(db, name)
        rows = pacticipants.versions_on_branch(db, name, branch)[:1] if branch else []
        return Side(name, _models(db, rows), Mode.LATEST, branch=branch)
    if latest or tag:
        row = pacticipants.latest_version(db, name, tag)
        return Side(name, _models(db, [row] if row else []), Mode.LATEST, tag=tag)
    # One selector, no destination: every version, but (as the official) only the rows where
    # the selected versions verified its pacts.
    rows = pacticipants.versions_of(db, name)
    return Side(name, _models(db, rows), Mode.ANY, verified_only=True)


def _version_json(base: str, db: Connection, version: PacticipantVersion) -> dict[str, Any]:
    found = pacticipants.find_version(db, version.pacticipant, version.number)
    branches = (
        branch_versions(base, found, pacticipants.branches_of_version(db, found.id))
        if found is not None
        else []
    )
    envs = []
    for name in version.environments:
        env = environments.find_environment(db, name=name)
        if env is not None:
            envs.append(_environment_json(base, env))
    where = {"name": version.pacticipant, "number": version.number}
    body: dict[str, Any] = {
        "number": version.number,
        "branches": branches,
        "branchVersions": branches,
        "environments": envs,
        "tags": [
            {
                "name": t,
                "latest": True,
                "_links": {"self": {"href": urls.TAG.url(base, tag=t, **where)}},
            }
            for t in version.tags
        ],
        "_links": {"self": {"href": urls.VERSION.url(base, **where)}},
    }
    if branches:
        body["branch"] = branches[-1]["name"]
    return body


def _environment_json(base: str, env: EnvironmentRecord) -> dict[str, Any]:
    body: dict[str, Any] = {
        "uuid": env.uuid,
        "name": env.name,
        "production": env.production,
        "createdAt": display(env.created_at),
        "_links": {
            "self": link(urls.ENVIRONMENT.url(base, uuid=env.uuid), "Environment", env.name)
        },
    }
    body["displayName"] = display_name(env.name, env.display_name)
    return body


def _row_json(base: str, db: Connection, row: MatrixRow) -> dict[str, Any]:
    publication = row.publication
    consumer = publication.consumer
    provider = publication.provider
    number = publication.consumer_version.number
    body: dict[str, Any] = {
        "consumer": {
            "name": consumer,
            "_links": {"self": {"href": urls.PACTICIPANT.url(base, name=consumer)}},
            "version": _version_json(base, db, publication.consumer_version),
        },
        "provider": {
            "name": provider,
            "_links": {"self": {"href": urls.PACTICIPANT.url(base, name=provider)}},
        },
        "pact": {
            "createdAt": display(publication.created_at),
            "_links": {
                "self": {
                    "href": urls.PACT.url(base, provider=provider, consumer=consumer, number=number)
                }
            },
        },
        "verificationResult": None,
    }
    if row.ignored:
        body["ignored"] = True
    # As the official matrix: a pact nobody verified has no provider version (S077, S094).
    body["provider"]["version"] = None
    if row.provider_version is not None and row.verification is not None:
        body["provider"]["version"] = _version_json(base, db, row.provider_version)
    if row.verification is not None:
        # As the official matrix: the result's URL goes through the pact's metadata segment.
        metadata = encode_metadata([("cvn", number)])
        result_url = urls.VERIFICATION_RESULT_WITH_METADATA.url(
            base,
            provider=provider,
            consumer=consumer,
            sha=publication.pact_sha,
            metadata=metadata,
            verification_id=str(row.verification.id),
        )
        body["verificationResult"] = {
            "success": row.verification.success,
            "verifiedAt": display(row.verification.created_at),
            "_links": {"self": {"href": result_url}},
        }
    return body


def _answer(base: str, db: Connection, verdict: Verdict) -> JSONResponse:
    return hal(
        {
            "summary": {
                "deployable": verdict.deployable,
                "reason": verdict.reason,
                "success": verdict.success,
                "failed": verdict.failed,
                "unknown": verdict.unknown,
                **({"ignored": verdict.ignored} if verdict.ignored else {}),
            },
            "notices": [{"type": t, "text": text} for t, text in verdict.reasons],
            "matrix": [_row_json(base, db, row) for row in verdict.rows],
        }
    )


def _evaluate(
    request: Request,
    connection: Connection,
    selectors: list[dict[str, str]],
    environment: str | None,
    latest: bool,
    tag: str | None,
    main_branch: bool = False,
    ignored: Ignored = frozenset(),
    latestby: str | None = None,
    limit: int | None = None,
) -> JSONResponse:
    """The matrix and verdict, read in the caller's transaction (one per request)."""
    verdict = evaluate(
        connection, selectors, environment, latest, tag, main_branch, ignored, latestby, limit
    )
    return _answer(base_url(request), connection, verdict)


def evaluate(
    connection: Connection,
    selectors: list[dict[str, str]],
    environment: str | None,
    latest: bool,
    tag: str | None,
    main_branch: bool = False,
    ignored: Ignored = frozenset(),
    latestby: str | None = None,
    limit: int | None = None,
) -> Verdict:
    """The verdict for matrix selectors (the badges use it too); 400 for unknown names.

    ``limit`` caps the rows (``/matrix``: 100 unless asked); ``/can-i-deploy`` has none.
    """
    if not selectors or not all(s.get("pacticipant") for s in selectors):
        raise validation_failed(["Please specify the pacticipant name"])
    if environment and environments.find_environment(connection, name=environment) is None:
        raise validation_failed([f"Environment with name '{environment}' does not exist"])
    for selector in selectors:
        if pacticipants.find_pacticipant(connection, selector["pacticipant"]) is None:
            raise validation_failed([f"Pacticipant {selector['pacticipant']} not found"])
    specified = _resolve(connection, selectors[0])
    if len(selectors) > 1:
        others = [_resolve(connection, s) for s in selectors[1:]]
    else:
        others = [
            _other_side(connection, name, environment, latest, tag, main_branch)
            for name in pacticipants.integrated_pacticipants(connection, specified.pacticipant)
        ]
    names = {specified.pacticipant} | {o.pacticipant for o in others}
    version_ids = [v.order for side in (specified, *others) for v in side.versions]
    publications, pact_ids = models.publications_of_versions(connection, version_ids, names)
    results = models.verifications_of(connection, pact_ids)
    return decide(
        specified,
        others,
        publications,
        results,
        warn_no_environment=len(selectors) == 1 and not environment and not tag and not main_branch,
        ignored=ignored,
        latestby=latestby,
        limit=limit,
    )


@router.get(
    urls.MATRIX.template,
    responses={**ok("Matrix"), **INVALID},
    openapi_extra=MATRIX_QUERY,
)
def matrix(request: Request, db: DatabaseDep) -> JSONResponse:
    """The matrix for the ``q[]`` selectors, with a can-i-deploy summary (newest 100 rows)."""
    params = request.query_params
    limit = matrix_limit(params.get("limit"))
    with db.reading() as connection:
        return _evaluate(
            request,
            connection,
            _parse_selectors(request),
            params.get("environment"),
            params.get("latest") == "true",
            params.get("tag"),
            main_branch=params.get("mainBranch") == "true",
            ignored=_ignored(request),
            latestby=params.get("latestby") or None,
            limit=limit,
        )


def _ignored(request: Request) -> Ignored:
    """``ignore[][pacticipant]`` or ``ignore[]`` (every version); ``ignore[][version]`` (one)."""
    ignored: set[str | tuple[str, str]] = set(request.query_params.getlist("ignore[]"))
    for selector in _parse_selectors(request, "ignore[]["):
        name = selector.get("pacticipant")
        if name:
            version = selector.get("version")
            ignored.add((name, version) if version else name)
    return frozenset(ignored)


@router.get(
    urls.CAN_I_DEPLOY.template,
    responses={**ok("Matrix"), **INVALID},
    openapi_extra=CAN_I_DEPLOY_QUERY,
)
def can_i_deploy(request: Request, db: DatabaseDep) -> JSONResponse:
    """Whether this pacticipant version can be deployed to the environment (or tag)."""
    params = request.query_params
    name, environment = params.get("pacticipant"), params.get("environment")
    with db.reading() as connection:
        # The official query schema (worded differently from /matrix, recording 18); the
        # version is required: a selector without one would mean every version.
        known_pacticipant = bool(name and pacticipants.find_pacticipant(connection, name))
        known_environment = bool(
            environment and environments.find_environment(connection, name=environment)
        )
        errors = can_i_deploy_query_errors(params, known_pacticipant, known_environment)
        if errors:
            raise validation_failed(errors)
        selector = {"pacticipant": params["pacticipant"], "version": params["version"]}
        return _evaluate(
            request,
            connection,
            [selector],
            environment,
            False,
            params.get("to"),
            ignored=_ignored(request),
            latestby="cvp",  # as the official resource
        )


@router.get(
    urls.MATRIX_FOR_PACT.template,
    responses={
        **ok_or_html("Matrix", "The matrix of the two; a browser gets the matrix page"),
        **INVALID,
        **NOT_FOUND_OR_HTML,
    },
    openapi_extra=MATRIX_LIMIT_QUERY,
)
def matrix_for_consumer_and_provider(
    provider: str, consumer: str, request: Request, db: DatabaseDep
) -> Response:
    """The official path: the matrix page for browsers, the matrix of the two as HAL otherwise.

    The answer depends on ``Accept``, so it says ``Vary: Accept`` (as ``/`` does).
    """
    answer: Response
    if wants_html(request.headers.get("accept", "")):
        answer = browser_pages(request).matrix(db, provider, consumer)
    else:
        limit = matrix_limit(request.query_params.get("limit"))
        with db.reading() as connection:
            for name in (consumer, provider):
                if pacticipants.find_pacticipant(connection, name) is None:
                    raise not_found(f"No pacticipant with name '{name}' found")
            selectors = [{"pacticipant": consumer}, {"pacticipant": provider}]
            answer = _evaluate(request, connection, selectors, None, False, None, limit=limit)
    answer.headers["Vary"] = "Accept"
    return answer
