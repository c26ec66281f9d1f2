"""The local broker that ``local-pact-broker up`` (``just broker-up``) started, found by its file.

``up`` writes the broker's base URL to ``broker.url`` in its state folder once the broker
answers, and ``down`` removes it; the folder is ``$PACT_BROKER_STATE_DIR`` (relative to the
current directory, as ``up`` reads it), else ``.broker`` in the project. So a verb finds the
broker without ``PACT_BROKER_BASE_URL`` and a person need not export anything. A recorded URL
whose heartbeat does not answer (a broker killed without ``down``) is never used.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from contract_first.release.broker_connection import tls_context

STATE_DIR_VARIABLE = "PACT_BROKER_STATE_DIR"
URL_FILE = "broker.url"
HEARTBEAT = "/diagnostic/status/heartbeat"


@dataclass(frozen=True)
class RecordedBroker:
    """A base URL that ``up`` recorded, and whether the broker there answers now."""

    url: str
    recorded_in: Path
    answers: bool


def url_file(project_root: Path, environ: Mapping[str, str] | None = None) -> Path:
    """Where ``up`` records the URL for this project."""
    env = os.environ if environ is None else environ
    configured = env.get(STATE_DIR_VARIABLE, "").strip()
    folder = Path.cwd() / configured if configured else project_root / ".broker"
    return folder / URL_FILE


def heartbeat_answers(url: str) -> bool:
    """Whether a broker answers its heartbeat at ``url`` (loopback: never through a proxy)."""
    try:
        response = httpx.get(
            f"{url}{HEARTBEAT}", timeout=2.0, trust_env=False, verify=tls_context()
        )
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def recorded_broker(
    project_root: Path, environ: Mapping[str, str] | None = None
) -> RecordedBroker | None:
    """The broker ``up`` recorded for this project, or ``None`` when there is no record."""
    path = url_file(project_root, environ)
    try:
        url = path.read_text(encoding="utf-8").strip().rstrip("/")
    except OSError:
        return None
    if not url.startswith(("http://", "https://")):
        return None
    return RecordedBroker(url=url, recorded_in=path, answers=heartbeat_answers(url))
