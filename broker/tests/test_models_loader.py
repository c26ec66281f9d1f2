"""The optimised loader must pick the same verifiable pacts as loading everything.

``models_repository.verification_candidates`` loads only the publications a rule can pick, for
speed; if it ever dropped one a selector, the pending rule or WIP needs, verifiers would silently
skip a pact. The reference here is the repositories' plain full load (every publication and
verification of the provider), fed to the same pure rules, over a seeded history with several
consumers, branches, tags, deployments, releases, undeployments and verifications.
"""

import random
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest

from local_pact_broker.db import environments_repository as environments
from local_pact_broker.db import models_repository as models
from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db import pacts_repository as pacts
from local_pact_broker.db import verifications_repository as verifications
from local_pact_broker.db.storage import Database
from local_pact_broker.domain.models import Publication, Verification
from local_pact_broker.domain.pending import PendingQuery
from local_pact_broker.domain.selectors import default_selectors, parse_selectors
from local_pact_broker.domain.verifiable_pacts import (
    VerifiablePact,
    VerificationRequest,
    verifiable_pacts,
)

from .api_seed import pact_document

CONSUMERS = ("Foo", "Baz", "Qux")
BRANCHES = ("main", "main", "main", "feat-a", "feat-b", "master")
TAGS = ("prod", "test", "dev")
OLD = "2020-06-01T00:00:00.000000+00:00"


def _seed(db: sqlite3.Connection) -> None:
    rng = random.Random(7)  # noqa: S311 - reproducible test data, not security
    bar = pacticipants.ensure_pacticipant(db, "Bar")
    other_provider = pacticipants.ensure_pacticipant(db, "Zed")
    envs = {
        name: environments.create_environment(db, {"name": name, "production": name == "prod"})
        for name in ("prod", "test")
    }
    provider_versions = []
    for index, branch in enumerate(("main", "main", "feat-a", "release")):
        version, _ = pacticipants.ensure_version(db, bar, f"b-{index}")
        pacticipants.add_branch_version(db, version, branch)
        provider_versions.append(version)
    pacticipants.add_tag(db, provider_versions[1].id, "prod")
    for consumer in CONSUMERS:
        row = pacticipants.ensure_pacticipant(db, consumer)
        for index in range(12):
            version, _ = pacticipants.ensure_version(db, row, f"{consumer}-{index}")
            if consumer != "Qux" or index % 3:  # Qux has versions without a branch
                pacticipants.add_branch_version(db, version, rng.choice(BRANCHES))
            if rng.random() < 0.3:
                pacticipants.add_tag(db, version.id, rng.choice(TAGS))
            # Few distinct contents, so several versions share a pact version (sha).
            description = f"call {rng.randrange(4)}"
            pacts.publish(db, version, bar, pact_document(consumer, "Bar", description))
            if rng.random() < 0.3:
                pacts.publish(db, version, other_provider, pact_document(consumer, "Zed"))
            if rng.random() < 0.25:
                env = envs[rng.choice(("prod", "test"))]
                environments.record_deployment(db, version, env.id, None)
            if rng.random() < 0.1:
                environments.record_release(db, version.id, envs["prod"].id)
            if index < 4:  # an old history, before the WIP date
                db.execute(
                    "UPDATE pact_publications SET created_at = ? WHERE consumer_version_id = ?",
                    (OLD, version.id),
                )
            pact_version_id = db.execute(
                "SELECT pact_version_id FROM pact_publications WHERE consumer_version_id = ?"
                " AND provider_id = ?",
                (version.id, bar.id),
            ).fetchone()[0]
            for provider_version in provider_versions:
                if rng.random() < 0.2:
                    body: dict[str, Any] = {"success": rng.random() < 0.7}
                    verifications.create_verification(
                        db, pact_version_id, provider_version.id, body
                    )


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    database = Database(tmp_path_factory.mktemp("loader") / "broker.sqlite3")
    with database.writing() as db:
        _seed(db)
    with database.reading() as db:
        yield db


SELECTOR_SETS: list[list[dict[str, Any]]] = [
    [],
    [{"mainBranch": True}],
    [{"mainBranch": True}, {"deployedOrReleased": True}],
    [{"branch": "feat-a"}, {"branch": "nope", "fallbackBranch": "feat-b"}],
    [{"matchingBranch": True}],
    [{"tag": "prod", "latest": True}, {"tag": "nope", "latest": True, "fallbackTag": "test"}],
    [{"tag": "test"}, {"tag": "dev", "consumer": "Baz"}],
    [{"latest": True}, {"latest": True, "consumer": "Qux"}],
    [{"deployed": True}, {"released": True, "environment": "prod"}],
    [{"environment": "test"}],
]
PROVIDER_CONTEXTS: list[dict[str, Any]] = [
    {"branch": "main", "tags": ()},
    {"branch": "feat-a", "tags": ()},
    {"branch": "brand-new", "tags": ()},
    {"branch": None, "tags": ("prod",)},
    {"branch": None, "tags": ()},
]


def _answer(
    db: sqlite3.Connection,
    publications: list[Publication],
    results: list[Verification],
    selectors: list[dict[str, Any]],
    context: dict[str, Any],
) -> list[VerifiablePact]:
    main_branches = {r.name: r.main_branch for r in pacticipants.all_pacticipants(db)}
    branch = context["branch"]
    # As the route does: no selectors means the broker's defaults, built from what was loaded.
    parsed = parse_selectors(selectors, branch or "main") or default_selectors(
        publications, main_branches
    )
    request = VerificationRequest(
        selectors=tuple(parsed),
        pending=PendingQuery(
            "Bar",
            branch,
            context["tags"],
            pacticipants.branch_created_at(db, "Bar", branch) if branch else None,
        ),
        include_pending_status=True,
        include_wip_pacts_since="2024-01-01",
    )
    return verifiable_pacts(request, publications, results, main_branches)


@pytest.mark.parametrize("context", PROVIDER_CONTEXTS, ids=lambda c: str(c["branch"] or c["tags"]))
def test_optimised_loader_selects_what_a_full_load_selects(
    seeded: sqlite3.Connection, context: dict[str, Any]
) -> None:
    db = seeded
    everything = pacts.publication_models(db, pacts.publications_for_provider(db, "Bar"))
    every_result = verifications.verification_models(db, "Bar")
    candidates, pact_ids = models.verification_candidates(db, "Bar")
    candidate_results = models.verifications_of(db, pact_ids)
    assert len(candidates) < len(everything)  # the loader really does skip history
    for selectors in SELECTOR_SETS:
        expected = _answer(db, everything, every_result, selectors, context)
        actual = _answer(db, candidates, candidate_results, selectors, context)
        assert expected, f"seed selects nothing for {selectors}"
        assert actual == expected, f"selectors {selectors}, provider {context}"


def test_seed_covers_wip_pending_and_environments(seeded: sqlite3.Connection) -> None:
    """Guards the equivalence test against a seed too poor to tell the loaders apart."""
    db = seeded
    everything = pacts.publication_models(db, pacts.publications_for_provider(db, "Bar"))
    every_result = verifications.verification_models(db, "Bar")
    found = _answer(db, everything, every_result, SELECTOR_SETS[2], {"branch": "main", "tags": ()})
    assert any(p.wip for p in found)
    assert any(p.pending for p in found)
    assert any(p.pending is False for p in found)
    assert any(s.environment for p in found for s in p.selections)
    assert {p.consumer for p in found} == set(CONSUMERS)
