"""Issue #9 rules (no server): branch sides (mainBranch / branch) and ``--ignore`` in the
matrix and can-i-deploy verdict, with the official wording (transcript S084, S094, S111,
S124, S125)."""

from local_pact_broker.domain.can_i_deploy import Mode, Side, decide
from local_pact_broker.domain.models import PacticipantVersion, Publication, Verification

C3 = PacticipantVersion("n", "c3", 5, branches=("main",))
PUB_C3 = Publication(C3, "u", "sha3", "2026-01-01T00:00:00+00:00")
P1 = PacticipantVersion("u", "p1", 2, branches=("main",))
P2 = PacticipantVersion("u", "p2", 6, branches=("main",))
P3 = PacticipantVersion("u", "p3", 7, branches=("feat/fix",))
SPECIFIED = Side("n", (C3,), Mode.VERSION, requested_number="c3")


def result(provider: PacticipantVersion, success: bool, id_: int) -> Verification:
    return Verification(id_, "n", "u", "sha3", provider, success, "2026-01-03T00:00:00+00:00")


VERIFIED = [result(P2, False, 1), result(P3, True, 2)]


def test_latest_of_the_main_branch_ignores_newer_feature_branch_versions() -> None:
    """can-i-merge (S111/S123): p3 on feat/fix passed, but main's latest (p2) failed."""
    main = Side("u", (P2,), Mode.LATEST, branch="main")
    verdict = decide(SPECIFIED, [main], [PUB_C3], VERIFIED)
    assert [(r.provider_version, r.verification) for r in verdict.rows] == [(P2, VERIFIED[0])]
    assert verdict.deployable is False
    assert verdict.reasons == (
        (
            "error",
            "The verification for the pact between version c3 of n and the latest version of u "
            "from branch main (p2) failed",
        ),
    )


def test_any_version_of_a_branch_is_one_row_per_verified_version() -> None:
    """``q[][branch]=main`` without latest (S124/S125): p1 never verified c3, so only p2."""
    main = Side("u", (P2, P1), Mode.BRANCH, branch="main")
    verdict = decide(SPECIFIED, [main], [PUB_C3], VERIFIED)
    assert [r.provider_version for r in verdict.rows] == [P2]
    assert verdict.reason == (
        "The verification for the pact between version c3 of n and one of the versions of u "
        "from branch main (p2) failed"
    )
    feature = Side("u", (P3,), Mode.BRANCH, branch="feat/fix")
    assert decide(SPECIFIED, [feature], [PUB_C3], VERIFIED).deployable is True


def test_branch_without_any_verification_is_one_unknown_row() -> None:
    main = Side("u", (P1,), Mode.BRANCH, branch="main")
    verdict = decide(SPECIFIED, [main], [PUB_C3], VERIFIED)
    assert [(r.provider_version, r.verification) for r in verdict.rows] == [(None, None)]
    assert verdict.deployable is None


def test_ignored_pacticipant_rows_are_kept_marked_and_not_counted() -> None:
    """``--ignore u`` (S084, S094): the unverified row stays, marked; the answer is yes."""
    in_production = Side("u", (P1,), Mode.ENVIRONMENT, environment="production")
    verdict = decide(SPECIFIED, [in_production], [PUB_C3], VERIFIED, ignored=frozenset({"u"}))
    assert [r.ignored for r in verdict.rows] == [True]
    assert verdict.deployable is True
    assert (verdict.success, verdict.failed, verdict.unknown, verdict.ignored) == (0, 0, 0, 1)
    assert verdict.reason == "There are no missing dependencies"
    not_ignored = decide(SPECIFIED, [in_production], [PUB_C3], VERIFIED, ignored=frozenset({"x"}))
    assert not_ignored.deployable is None
    assert not_ignored.ignored == 0


def test_ignored_failure_does_not_block_but_others_still_count() -> None:
    main = Side("u", (P2,), Mode.LATEST, branch="main")
    verdict = decide(SPECIFIED, [main], [PUB_C3], VERIFIED, ignored=frozenset({"u"}))
    assert verdict.deployable is True
    assert verdict.failed == 0


def test_version_chosen_by_branch_gets_the_official_warning() -> None:
    """S079/S080/S087: no version number given → the race-condition warning first."""
    latest_main = Side("n", (C3,), Mode.LATEST, branch="main")
    in_production = Side("u", (P2,), Mode.ENVIRONMENT, environment="production")
    verdict = decide(latest_main, [in_production], [PUB_C3], [result(P2, True, 1)])
    assert verdict.reasons[0] == (
        "warning",
        "WARN: It is recommended to specify the version number (rather than the tag or branch) "
        "of the pacticipant you wish to deploy to avoid race conditions. Without a version "
        "number, this result will not be reliable.",
    )
    assert verdict.deployable is True


def test_ignoring_one_version_leaves_the_other_versions_counted() -> None:
    """``ignore[][pacticipant]=u&ignore[][version]=p2``: only p2's failed row is ignored."""
    both = Side("u", (P2, P3), Mode.BRANCH, branch="any")
    verdict = decide(SPECIFIED, [both], [PUB_C3], VERIFIED, ignored=frozenset({("u", "p2")}))
    assert [(r.provider_version, r.ignored) for r in verdict.rows] == [(P2, True), (P3, False)]
    assert verdict.deployable is True
    assert (verdict.success, verdict.failed, verdict.ignored) == (1, 0, 1)
    other_version = decide(SPECIFIED, [both], [PUB_C3], VERIFIED, ignored=frozenset({("u", "p9")}))
    assert other_version.deployable is False
    assert other_version.ignored == 0


def test_latestby_narrows_any_version_rows_as_the_official_matrix() -> None:
    """``q[][pacticipant]=n&q[][version]=c3`` alone: a row per verifying provider version;
    ``latestby=cvp`` keeps the newest provider version, ``cvpv`` (and none) keep each."""
    any_u = Side("u", (), Mode.ANY)
    every = decide(SPECIFIED, [any_u], [PUB_C3], VERIFIED)
    assert [r.provider_version for r in every.rows] == [P2, P3]
    per_version = decide(SPECIFIED, [any_u], [PUB_C3], VERIFIED, latestby="cvpv")
    assert [r.provider_version for r in per_version.rows] == [P2, P3]
    newest = decide(SPECIFIED, [any_u], [PUB_C3], VERIFIED, latestby="cvp")
    assert [r.provider_version for r in newest.rows] == [P3]
    assert newest.deployable is True
    assert per_version.deployable is False


def test_latestby_keeps_an_open_row_only_when_nothing_verified() -> None:
    unverified = decide(SPECIFIED, [Side("u", (), Mode.ANY)], [PUB_C3], [], latestby="cvp")
    assert [(r.provider_version, r.verification) for r in unverified.rows] == [(None, None)]
    assert unverified.deployable is None
