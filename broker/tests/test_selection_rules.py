"""Unit tests of pact selection without a server: WIP, fallback and tag selectors, URL metadata,
and main-branch detection (the one rule that lives in a repository)."""

from pathlib import Path

import pytest

from local_pact_broker.db import pacticipants_repository as pacticipants
from local_pact_broker.db.storage import Database
from local_pact_broker.domain.models import PacticipantVersion, Publication, Verification
from local_pact_broker.domain.pact_metadata import decode_metadata
from local_pact_broker.domain.pending import PendingQuery
from local_pact_broker.domain.selectors import (
    ConsumerVersionSelector,
    SelectorError,
    parse_selectors,
    select_publications,
)
from local_pact_broker.domain.verifiable_pacts import (
    VerificationRequest,
    url_metadata,
    verifiable_pacts,
)
from local_pact_broker.domain.wip import wip_publications

MAIN_BRANCHES = {"Foo": "main", "Baz": "main"}


def version(
    number: str, order: int, branches: tuple[str, ...] = (), tags: tuple[str, ...] = ()
) -> PacticipantVersion:
    return PacticipantVersion("Foo", number, order, branches=branches, tags=tags)


def published(v: PacticipantVersion, sha: str, day: int) -> Publication:
    return Publication(v, "Bar", sha, f"2026-01-{day:02d}T00:00:00.000000+00:00")


def verified_by(sha: str, branch: str, success: bool = True, day: int = 20) -> Verification:
    provider = PacticipantVersion("Bar", f"b-{branch}", 100 + day, branches=(branch,))
    return Verification(day, "Foo", "Bar", sha, provider, success, f"2026-01-{day:02d}T00:00:00")


MAIN_OLD = published(version("1", 1, ("main",)), "sha-main-old", 1)
MAIN = published(version("2", 2, ("main",), ("prod",)), "sha-main", 2)
FEAT_A_OLD = published(version("3", 3, ("feat-a",)), "sha-a-old", 3)
FEAT_A = published(version("4", 4, ("feat-a",)), "sha-a", 10)
FEAT_B = published(version("5", 5, ("feat-b",), ("test",)), "sha-b", 11)
TEST_OLD = published(version("6", 6, (), ("test",)), "sha-test-old", 4)
PUBLICATIONS = [MAIN_OLD, MAIN, FEAT_A_OLD, FEAT_A, FEAT_B, TEST_OLD]
SINCE = "2026-01-05"


def select(raw: list[dict[str, object]], provider_branch: str | None = None) -> list[Publication]:
    selectors = parse_selectors(raw, provider_branch)
    chosen = select_publications(selectors, PUBLICATIONS, provider_branch, MAIN_BRANCHES)
    return [s.publication for s in chosen]


def wip_shas(
    verifications: list[Verification], explicit: set[tuple[str, str]] | None = None
) -> list[str]:
    query = PendingQuery("Bar", provider_branch="main")
    found = wip_publications(PUBLICATIONS, verifications, query, SINCE, explicit or set())
    return [publication.pact_sha for publication, _, _ in found]


def test_wip_pacts_are_recent_branch_and_tag_heads_not_yet_verified() -> None:
    # feat-a's older pact is not a head; TEST_OLD was published before the WIP date.
    assert wip_shas([]) == ["sha-a", "sha-b"]


def test_wip_excludes_explicitly_selected_pacts() -> None:
    assert wip_shas([], explicit={("Foo", "sha-b")}) == ["sha-a"]


def test_wip_excludes_pacts_verified_by_the_provider_branch() -> None:
    assert wip_shas([verified_by("sha-a", "main")]) == ["sha-b"]
    assert wip_shas([verified_by("sha-a", "main", success=False)]) == ["sha-a", "sha-b"]


def test_wip_counts_other_branches_only_before_the_provider_branch_existed() -> None:
    verifications = [verified_by("sha-a", "main", day=20)]

    def wip_for_new_branch(created_at: str) -> list[str]:
        query = PendingQuery("Bar", "feat", (), created_at)
        found = wip_publications(PUBLICATIONS, verifications, query, SINCE, set())
        return [publication.pact_sha for publication, _, _ in found]

    assert wip_for_new_branch("2026-01-25") == ["sha-b"]
    assert wip_for_new_branch("2026-01-15") == ["sha-a", "sha-b"]


def test_wip_reports_the_branches_and_tags_it_heads() -> None:
    found = wip_publications(PUBLICATIONS, [], PendingQuery("Bar", "main"), SINCE, set())
    heads = {p.pact_sha: (branches, tags) for p, branches, tags in found}
    assert heads["sha-b"] == (("feat-b",), ("test",))


def test_wip_heads_with_one_content_are_one_pact_shown_with_the_newest_version() -> None:
    # Found by test_models_loader: the version shown depended on the order of publications.
    feat = published(version("7", 7, ("feat-c",)), "sha-same", 12)
    main = published(version("8", 8, ("main",)), "sha-same", 13)
    for order in ([feat, main], [main, feat]):
        found = wip_publications(order, [], PendingQuery("Bar", "prod"), SINCE, set())
        assert [(p, b) for p, b, _ in found] == [(main, ("feat-c", "main"))]


def test_wip_pacts_follow_the_selected_ones_and_are_pending() -> None:
    request = VerificationRequest(
        selectors=(ConsumerVersionSelector(main_branch=True),),
        pending=PendingQuery("Bar", "main"),
        include_pending_status=True,
        include_wip_pacts_since=SINCE,
    )
    pacts = verifiable_pacts(request, PUBLICATIONS, [], MAIN_BRANCHES)
    assert [(p.pact_sha, p.wip, p.pending) for p in pacts] == [
        ("sha-main", False, True),
        ("sha-a", True, True),
        ("sha-b", True, True),
    ]
    assert url_metadata(pacts[1], "main", defaulted=False) == [("w", "true")]


def test_wip_needs_pending_status() -> None:
    request = VerificationRequest(
        selectors=(ConsumerVersionSelector(main_branch=True),),
        pending=PendingQuery("Bar", "main"),
        include_pending_status=False,
        include_wip_pacts_since=SINCE,
    )
    assert [p.pact_sha for p in verifiable_pacts(request, PUBLICATIONS, [], MAIN_BRANCHES)] == [
        "sha-main"
    ]


def test_fallback_branch_only_when_the_branch_has_no_pact() -> None:
    assert select([{"branch": "feat-a", "fallbackBranch": "main"}]) == [FEAT_A]
    assert select([{"branch": "feat-x", "fallbackBranch": "main"}]) == [MAIN]
    assert select([{"branch": "feat-x"}]) == []


def test_matching_branch_uses_the_provider_branch() -> None:
    assert select([{"matchingBranch": True}], provider_branch="feat-b") == [FEAT_B]


def test_latest_tag_with_fallback_tag() -> None:
    assert select([{"tag": "test", "latest": True}]) == [TEST_OLD]
    assert select([{"tag": "none", "latest": True, "fallbackTag": "prod"}]) == [MAIN]
    assert select([{"tag": "prod", "latest": True, "fallbackTag": "test"}]) == [MAIN]


def test_tag_without_latest_selects_every_tagged_pact() -> None:
    assert select([{"tag": "test"}]) == [FEAT_B, TEST_OLD]
    assert select([{"tag": "test", "consumer": "Other"}]) == []


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"tag": "a", "fallbackTag": "b"}, "fallbackTag can only be set if latest is true"),
        ({"fallbackTag": "b", "latest": True}, "a tag must be specified when a fallbackTag"),
        ({"fallbackBranch": "main", "latest": True}, "a branch must be specified when a fallb"),
        ({"tag": "a", "branch": "b"}, "cannot specify both a tag and a branch"),
    ],
)
def test_invalid_fallback_and_tag_selectors(raw: dict[str, object], message: str) -> None:
    with pytest.raises(SelectorError, match=message):
        parse_selectors([raw], None)


def test_url_metadata_has_one_entry_per_selection_like_the_official_broker() -> None:
    request = VerificationRequest(
        selectors=(
            ConsumerVersionSelector(main_branch=True),
            ConsumerVersionSelector(tag="prod", latest=True),
        ),
        pending=PendingQuery("Bar", "main"),
        include_pending_status=True,
    )
    (pact,) = verifiable_pacts(request, PUBLICATIONS, [], MAIN_BRANCHES)
    pairs = url_metadata(pact, "main", defaulted=False)
    # The official broker sorts a pact's selectors: latest for a tag before the main branch.
    assert pairs == [
        ("s[][t]", "prod"),
        ("s[][l]", "true"),
        ("s[][cv]", "2"),
        ("s[][l]", "true"),
        ("s[][cv]", "2"),
        ("p", "true"),
    ]
    # Selectors the broker chose itself carry no "latest" flag (recording 11).
    assert ("s[][l]", "true") not in url_metadata(pact, "main", defaulted=True)
    assert decode_metadata("cyU1QiU1RCU1QmwlNUQ9dHJ1ZSZzJTVCJTVEJTVCY3YlNUQ9MSZwPXRydWU") == [
        ("s[][l]", "true"),
        ("s[][cv]", "1"),
        ("p", "true"),
    ]


def test_main_branch_is_the_first_main_master_or_develop_branch(tmp_path: Path) -> None:
    database = Database(tmp_path / "broker.sqlite3")
    with database.writing() as db:
        foo = pacticipants.ensure_pacticipant(db, "Foo")
        for number, branch in [("1", "feature"), ("2", "develop"), ("3", "main")]:
            row, _ = pacticipants.ensure_version(db, foo, number)
            pacticipants.add_branch_version(db, row, branch)
        bar = pacticipants.ensure_pacticipant(db, "Bar")
        row, _ = pacticipants.ensure_version(db, bar, "1")
        pacticipants.add_branch_version(db, row, "feature")
    with database.reading() as db:
        found = {r.name: r.main_branch for r in pacticipants.all_pacticipants(db)}
    assert found == {"Foo": "develop", "Bar": None}


def test_selectors_of_a_pact_and_the_pacts_come_in_the_official_order() -> None:
    """Issue #9 (transcript S060, S098): matching branch before deployed before main branch;
    pacts by consumer name then version, whatever order the selectors were given in."""
    deployed_main = Publication(
        PacticipantVersion("Foo", "2", 2, branches=("main",), deployed_to=("production",)),
        "Bar",
        "sha-main",
        "2026-01-02T00:00:00.000000+00:00",
    )
    other = Publication(
        PacticipantVersion("Baz", "9", 9, branches=("main",)), "Bar", "sha-baz", "2026-01-09"
    )
    request = VerificationRequest(
        selectors=(
            ConsumerVersionSelector(main_branch=True),
            ConsumerVersionSelector(deployed_or_released=True),
            ConsumerVersionSelector(matching_branch=True),
        ),
        pending=PendingQuery("Bar", "main"),
        include_pending_status=False,
    )
    pacts = verifiable_pacts(request, [other, deployed_main], [], MAIN_BRANCHES)
    assert [p.consumer for p in pacts] == ["Baz", "Foo"]
    assert url_metadata(pacts[1], "main", defaulted=False) == [
        ("s[][b]", "main"),
        ("s[][l]", "true"),
        ("s[][cv]", "2"),
        ("s[][cv]", "2"),
        ("s[][l]", "true"),
        ("s[][cv]", "2"),
    ]
