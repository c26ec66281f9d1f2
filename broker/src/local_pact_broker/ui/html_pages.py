"""Server-rendered HTML pages for people: the dashboard and a readable pact.

Jinja2 with autoescaping on, so every name, description and body taken from a pact is
escaped; the templates carry their CSS inline and load nothing from elsewhere.
"""

import json
import sqlite3
from collections import defaultdict
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from local_pact_broker.api.hal import segment
from local_pact_broker.db import dashboard_repository as read_model
from local_pact_broker.db import pacts_repository as pacts
from local_pact_broker.db import verifications_repository as verifications
from local_pact_broker.ui.pact_view import pact_view

_TEMPLATES = Environment(
    loader=PackageLoader("local_pact_broker.ui", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _when(stored: str | None) -> str:
    """A stored timestamp for reading, to the second, in UTC."""
    if not stored:
        return ""
    return datetime.fromisoformat(stored).strftime("%Y-%m-%d %H:%M:%S UTC")


_TEMPLATES.filters["when"] = _when
_TEMPLATES.filters["segment"] = segment


def ui_pact_path(provider: str, consumer: str, number: str | None = None) -> str:
    """Where the HTML page of a pact lives (the latest one when ``number`` is None)."""
    pair = f"/ui/pacts/provider/{segment(provider)}/consumer/{segment(consumer)}"
    return f"{pair}/latest" if number is None else f"{pair}/version/{segment(number)}"


def api_pact_path(provider: str, consumer: str, number: str) -> str:
    """Where API clients fetch the same pact as JSON."""
    return (
        f"/pacts/provider/{segment(provider)}/consumer/{segment(consumer)}"
        f"/version/{segment(number)}"
    )


_TEMPLATES.globals["ui_pact_path"] = ui_pact_path
_TEMPLATES.globals["api_pact_path"] = api_pact_path


def dashboard_html(db: sqlite3.Connection) -> str:
    """Every integration with its latest pact, verification and deployments; all environments."""
    deployments = read_model.deployments(db)
    by_pacticipant: dict[str, list[read_model.Deployment]] = defaultdict(list)
    by_environment: dict[str, list[read_model.Deployment]] = defaultdict(list)
    for deployment in deployments:
        by_pacticipant[deployment.pacticipant].append(deployment)
        by_environment[deployment.environment].append(deployment)
    return _TEMPLATES.get_template("dashboard.html").render(
        integrations=read_model.integrations(db),
        deployed=by_pacticipant,
        environments=[(name, by_environment[name]) for name in read_model.environment_names(db)],
    )


def pact_html(
    db: sqlite3.Connection, provider: str, consumer: str, number: str | None
) -> str | None:
    """The pact of a consumer version (or the latest) with its verifications; None if absent."""
    row = (
        pacts.latest_publication(db, provider, consumer)
        if number is None
        else pacts.publication(db, provider, consumer, number)
    )
    if row is None:
        return None
    content: dict[str, Any] = json.loads(row["content"])
    return _TEMPLATES.get_template("pact.html").render(
        pact=pact_view(content),
        consumer=consumer,
        provider=provider,
        consumer_version=row["consumer_version_number"],
        published_at=row["created_at"],
        sha=row["sha"],
        verifications=verifications.verifications_of_pact_version(db, row["pact_version_id"]),
    )


def not_found_html(what: str) -> str:
    """A page saying what was not found, with a way back."""
    return _TEMPLATES.get_template("not_found.html").render(what=what)
