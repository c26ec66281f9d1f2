"""Rules (no server): which versions a matrix ``q[]`` selector picks, and the rows they give.

As the official broker's ``UnresolvedSelector`` / ``SelectorResolver``: a selector naming only
the pacticipant means every version of it ("any version of Foo"), not the latest; a tag or a
branch without ``latest`` means every version with it. The matrix relates the selected
versions whichever selector comes first. A single selector without a destination shows the
pacts it published and those it verified; ``limit`` keeps the newest rows.
"""

from collections.abc import Sequence

import pytest

from local_pact_broker.domain.can_i_deploy import (
    MatrixRow,
    Mode,
    Side,
    decide,
    matrix_rows,
    newest_rows,
    selection_mode,
)
from local_pact_broker.domain.models import PacticipantVersion, Publication, Verification

C1 = PacticipantVersion("Foo", "c1", 1)
C2 = PacticipantVersion("Foo", "c2", 3)
P1 = PacticipantVersion("Bar", "p1", 2, tags=("prod",))
P2 = PacticipantVersion("Bar", "p2", 4, tags=("prod",))
PUBLICATIONS = [
    Publication(C1, "Bar", "sha1", "2026-01-01T00:00:00+00:00"),
    Publication(C2, "Bar", "sha2", "2026-01-02T00:00:00+00:00"),
]
VERIFIED = [
    Verification(1, "Foo", "Bar", "sha1", P1, True, "2026-01-01T01:00:00+00:00"),
    Verification(2, "Foo", "Bar", "sha2", P2, False, "2026-01-02T01:00:00+00:00"),
]


@pytest.mark.parametrize(
    ("selector", "mode"),
    [
        ({"pacticipant": "Foo"}, Mode.ANY),
        ({"pacticipant": "Foo", "version": "c1"}, Mode.VERSION),
        ({"pacticipant": "Foo", "latest": "true"}, Mode.LATEST),
        ({"pacticipant": "Foo", "tag": "prod", "latest": "true"}, Mode.LATEST),
        ({"pacticipant": "Foo", "branch": "main", "latest": "true"}, Mode.LATEST),
        ({"pacticipant": "Foo", "mainBranch": "true", "latest": "true"}, Mode.LATEST),
        ({"pacticipant": "Foo", "tag": "prod"}, Mode.TAG),
        ({"pacticipant": "Foo", "branch": "main"}, Mode.BRANCH),
        ({"pacticipant": "Foo", "mainBranch": "true"}, Mode.BRANCH),
        ({"pacticipant": "Foo", "environment": "production"}, Mode.ENVIRONMENT),
        ({"pacticipant": "Foo", "latest": "false"}, Mode.ANY),
        ({"pacticipant": "Foo", "version": ""}, Mode.ANY),
    ],
)
def test_a_selector_picks_versions_as_the_official_unresolved_selector(
    selector: dict[str, str], mode: Mode
) -> None:
    assert selection_mode(selector) is mode


def _pairs(rows: Sequence[MatrixRow]) -> list[tuple[str, str | None]]:
    """(consumer version, provider version or None) of each row, in order."""
    return [
        (
            r.publication.consumer_version.number,
            r.provider_version.number if r.provider_version else None,
        )
        for r in rows
    ]


def test_the_pacticipant_alone_means_every_version_of_it() -> None:
    """``q[][pacticipant]=Foo&q[][pacticipant]=Bar``: both of Foo's pacts, not only c2's."""
    foo, bar = Side("Foo", (C2, C1), Mode.ANY), Side("Bar", (P2, P1), Mode.ANY)
    verdict = decide(foo, [bar], PUBLICATIONS, VERIFIED)
    assert _pairs(verdict.rows) == [("c1", "p1"), ("c2", "p2")]
    assert (verdict.success, verdict.failed, verdict.unknown) == (1, 1, 0)
    # The official wording for a selector naming only the pacticipant, and no "specify the
    # version number" warning: with only names it is a matrix query, not a can-i-deploy one.
    assert verdict.reasons == (
        (
            "error",
            "The verification for the pact between any version of Foo and any version of Bar "
            "failed",
        ),
    )


def test_the_matrix_is_the_same_whichever_pacticipant_comes_first() -> None:
    """``q[][pacticipant]=Bar&q[][pacticipant]=Foo`` relates the same versions."""
    foo, bar = Side("Foo", (C2, C1), Mode.ANY), Side("Bar", (P2, P1), Mode.ANY)
    provider_first = decide(bar, [foo], PUBLICATIONS, VERIFIED)
    assert _pairs(provider_first.rows) == [("c1", "p1"), ("c2", "p2")]
    assert provider_first.reason == decide(foo, [bar], PUBLICATIONS, VERIFIED).reason


def test_a_specified_version_against_every_version_of_the_other() -> None:
    """``-a Bar -e p1 -a Foo``: each of Foo's pacts, verified by p1 or not (an open row)."""
    bar_p1 = Side("Bar", (P1,), Mode.VERSION, requested_number="p1")
    verdict = decide(bar_p1, [Side("Foo", (C2, C1), Mode.ANY)], PUBLICATIONS, VERIFIED)
    assert _pairs(verdict.rows) == [("c1", "p1"), ("c2", "p1")]
    assert [r.verification is not None for r in verdict.rows] == [True, False]
    assert verdict.deployable is None


def test_a_pacticipant_without_versions_has_no_missing_dependencies() -> None:
    """Only the name, and nothing published: no "no such version" error (official)."""
    verdict = decide(Side("Foo", (), Mode.ANY), [Side("Bar", (), Mode.ANY)], [], [])
    assert verdict.deployable is True
    assert verdict.reasons == (("success", "There are no missing dependencies"),)


def test_a_tag_without_latest_is_every_tagged_version_that_verified() -> None:
    """``q[][tag]=prod`` without latest: a row per tagged version that verified the pact."""
    prod = Side("Bar", (P2, P1), Mode.TAG, tag="prod")
    verdict = decide(Side("Foo", (C2,), Mode.VERSION), [prod], PUBLICATIONS, VERIFIED)
    assert _pairs(verdict.rows) == [("c2", "p2")]
    assert verdict.reason == (
        "The verification for the pact between version c2 of Foo and a version of Bar with tag "
        "prod (p2) failed"
    )


def test_the_latest_tagged_version_is_described_with_its_tag() -> None:
    """``can-i-deploy --to prod``: "the latest version of Bar with tag prod (p2)"."""
    latest_prod = Side("Bar", (P2,), Mode.LATEST, tag="prod")
    verdict = decide(Side("Foo", (C2,), Mode.VERSION), [latest_prod], PUBLICATIONS, VERIFIED)
    assert verdict.reason == (
        "The verification for the pact between version c2 of Foo and the latest version of Bar "
        "with tag prod (p2) failed"
    )


C3 = PacticipantVersion("Foo", "c3", 5)
UNVERIFIED = Publication(C3, "Bar", "sha3", "2026-01-03T00:00:00+00:00")


def test_one_selector_of_the_provider_shows_the_pacts_it_verified() -> None:
    """``q[][pacticipant]=Bar`` alone: the official joins Bar's verifications to the pacts
    (an inner join), so Foo's pacts appear where Bar verified them, and c3 (unverified) not."""
    foo = Side("Foo", (C3, C2, C1), Mode.ANY, verified_only=True)
    bar = Side("Bar", (P2, P1), Mode.ANY)
    verdict = decide(bar, [foo], [*PUBLICATIONS, UNVERIFIED], VERIFIED)
    assert _pairs(verdict.rows) == [("c1", "p1"), ("c2", "p2")]
    assert (verdict.success, verdict.failed, verdict.unknown) == (1, 1, 0)
    assert verdict.reason == (
        "The verification for the pact between version c2 of Foo and any version of Bar failed"
    )
    # One version of the provider: only the pact it verified, no open row for the others.
    bar_p1 = Side("Bar", (P1,), Mode.VERSION, requested_number="p1")
    only_p1 = decide(bar_p1, [foo], [*PUBLICATIONS, UNVERIFIED], VERIFIED)
    assert _pairs(only_p1.rows) == [("c1", "p1")]
    assert only_p1.deployable is True


def test_one_selector_of_the_consumer_keeps_its_unverified_pacts() -> None:
    """``q[][pacticipant]=Foo`` alone: its pacts left-joined to every verification (c3 open)."""
    bar = Side("Bar", (P2, P1), Mode.ANY, verified_only=True)
    foo = Side("Foo", (C3, C2, C1), Mode.ANY)
    verdict = decide(foo, [bar], [*PUBLICATIONS, UNVERIFIED], VERIFIED)
    assert _pairs(verdict.rows) == [("c1", "p1"), ("c2", "p2"), ("c3", None)]
    assert verdict.unknown == 1


def test_the_limit_keeps_the_newest_rows_before_latestby() -> None:
    """The official ``limit``: the newest rows (by their last action), then ``latestby``."""
    foo, bar = Side("Foo", (C3, C2, C1), Mode.ANY), Side("Bar", (P2, P1), Mode.ANY)
    publications = [*PUBLICATIONS, UNVERIFIED]
    assert _pairs(newest_rows(matrix_rows(foo, [bar], publications, VERIFIED), None)) == [
        ("c1", "p1"),
        ("c2", "p2"),
        ("c3", None),
    ]
    # c3 (version 5) is newer than c2's row (p2 is version 4), which is newer than c1's.
    two = decide(foo, [bar], publications, VERIFIED, limit=2)
    assert _pairs(two.rows) == [("c2", "p2"), ("c3", None)]
    one = decide(foo, [bar], publications, VERIFIED, limit=1, latestby="cp")
    assert _pairs(one.rows) == [("c3", None)]
    assert (one.success, one.failed, one.unknown) == (0, 0, 1)


def test_the_limit_counts_pacts_newest_first() -> None:
    """At most ``limit`` pacts (newest published first) give rows, however recent the
    verification of an older one."""
    late = Verification(3, "Foo", "Bar", "sha1", PacticipantVersion("Bar", "p9", 9), True, "")
    foo, bar = Side("Foo", (C2, C1), Mode.ANY), Side("Bar", (P2, P1), Mode.ANY)
    rows = newest_rows(matrix_rows(foo, [bar], PUBLICATIONS, [*VERIFIED, late]), 1)
    assert _pairs(rows) == [("c2", "p2")]
