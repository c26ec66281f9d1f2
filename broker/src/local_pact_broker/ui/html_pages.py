"""Server-rendered HTML pages for people: the dashboard, an integration's matrix, a readable pact.

Jinja2 with autoescaping on, so every name, version, description and body taken from a pact is
escaped; the templates carry their CSS and one small script inline and load nothing from
elsewhere. Each render takes ``now``, so relative times are deterministic in tests.
"""

import json
from collections import defaultdict
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from local_pact_broker.db import dashboard_repository as read_model
from local_pact_broker.db import models_repository as models
from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db import pacts_repository as pacts
from local_pact_broker.db.storage import Connection
from local_pact_broker.settings import Settings
from local_pact_broker.ui import hints
from local_pact_broker.ui.dashboard_rows import integration_views
from local_pact_broker.ui.matrix_lines import MAX_LINES, matrix_lines
from local_pact_broker.ui.pact_view import pact_view
from local_pact_broker.ui.page_paths import (
    DASHBOARD_PATH,
    api_pact_path,
    matrix_path,
    ui_pact_path,
)
from local_pact_broker.ui.relation_docs import RelationDoc
from local_pact_broker.ui.relative_time import (
    machine_timestamp,
    parse_stored,
    time_ago,
    utc_label,
)
from local_pact_broker.ui.verification_status import result_view
from local_pact_broker.ui.version_display import short_name, short_version

_TEMPLATES = Environment(
    loader=PackageLoader("local_pact_broker.ui", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _ago(stored: str, now: datetime) -> str:
    return time_ago(parse_stored(stored), now)


def _utc(stored: str) -> str:
    return utc_label(parse_stored(stored))


def _machine(stored: str) -> str:
    return machine_timestamp(parse_stored(stored))


_TEMPLATES.filters.update(
    ago=_ago, utc=_utc, machine=_machine, short_version=short_version, short_name=short_name
)
_TEMPLATES.globals.update(
    ui_pact_path=ui_pact_path,
    api_pact_path=api_pact_path,
    matrix_path=matrix_path,
    dashboard_path=DASHBOARD_PATH,
    hints=hints,
)


def _deployments_and_environments(db: Connection) -> dict[str, Any]:
    """What the pages say about environments: deployments by pacticipant and by environment."""
    by_pacticipant: dict[str, list[read_model.Deployment]] = defaultdict(list)
    by_environment: dict[str, list[read_model.Deployment]] = defaultdict(list)
    for deployment in read_model.deployments(db):
        by_pacticipant[deployment.pacticipant].append(deployment)
        by_environment[deployment.environment].append(deployment)
    environments = read_model.environments(db)
    names = [name for name, _ in environments]
    production = {name for name, is_production in environments if is_production}
    return {
        "deployed": by_pacticipant,
        "environments": [(name, prod, by_environment[name]) for name, prod in environments],
        "hint_environment": hints.target_environment(names, production),
    }


def dashboard_html(db: Connection, now: datetime) -> str:
    """Every integration (main-branch row first, then branch rows) and every environment."""
    data = read_model.dashboard_data(db)
    return _TEMPLATES.get_template("dashboard.html").render(
        integrations=integration_views(
            data.integrations,
            data.heads,
            data.verifications,
            data.branch_created_at,
            data.last_verified,
        ),
        now=now,
        **_deployments_and_environments(db),
    )


def matrix_html(db: Connection, provider: str, consumer: str, now: datetime) -> str | None:
    """The integration's matrix page; None when the consumer never published a pact for it."""
    integration = read_model.find_integration(db, consumer, provider)
    if integration is None:
        return None
    pair = read_model.pair_data(db, integration, MAX_LINES)
    lines, total = matrix_lines(
        pair.publications,
        pair.verifications,
        pair.branch_created_at,
        integration.provider_main_branch,
    )
    return _TEMPLATES.get_template("matrix.html").render(
        integration=integration,
        lines=lines,
        total=total,
        more_publications=pair.more_publications,
        now=now,
        **_deployments_and_environments(db),
    )


def pact_html(
    db: Connection, provider: str, consumer: str, number: str | None, now: datetime
) -> str | None:
    """The pact of a consumer version (or the latest) with its verifications; None if absent."""
    row = (
        pacts.latest_publication(db, provider, consumer)
        if number is None
        else pacts.publication(db, provider, consumer, number)
    )
    if row is None:
        return None
    content: dict[str, Any] = json.loads(row.content)
    provider_row = pacticipants.find_pacticipant(db, provider)
    provider_main = provider_row.main_branch if provider_row is not None else None
    verifications = models.verifications_of(db, [row.pact_version_id])
    created = read_model.branch_created_at(db, {provider})
    results = [
        result_view(v, verifications, created, provider_main)
        for v in sorted(verifications, key=lambda v: -v.id)
    ]
    return _TEMPLATES.get_template("pact.html").render(
        pact=pact_view(content),
        consumer=consumer,
        provider=provider,
        consumer_version=row.consumer_version_number,
        published_at=row.created_at,
        sha=row.sha,
        results=results,
        provider_main_branch=provider_main,
        now=now,
    )


def not_found_html(what: str, advice: str = "", command: str | None = None) -> str:
    """A page saying what was not found, what to run about it, and a way back."""
    return _TEMPLATES.get_template("not_found.html").render(
        what=what, advice=advice, command=command
    )


def relation_doc_html(name: str, doc: RelationDoc, settings: Settings | None = None) -> str:
    """A relation's documentation page; with ``settings``, the webhook allow-lists in force."""
    webhook_settings = None
    if settings is not None:
        webhook_settings = {
            "hosts": settings.webhook_host_whitelist,
            "schemes": settings.webhook_scheme_whitelist,
            "http_to_loopback": str(settings.webhook_http_to_loopback).lower(),
            "methods": settings.webhook_http_method_whitelist,
        }
    return _TEMPLATES.get_template("relation_doc.html").render(
        name=name, doc=doc, webhook_settings=webhook_settings
    )
