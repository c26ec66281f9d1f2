"""Pure rules behind the pages: short versions, relative times, statuses and row grouping."""

from datetime import UTC, datetime, timedelta

import pytest

from local_pact_broker.db.dashboard_repository import HeadPublication, Integration
from local_pact_broker.domain.models import PacticipantVersion, Publication, Verification
from local_pact_broker.ui import hints
from local_pact_broker.ui.dashboard_rows import RowKind, integration_view, integration_views
from local_pact_broker.ui.matrix_lines import matrix_lines
from local_pact_broker.ui.page_paths import matrix_path, ui_pact_path
from local_pact_broker.ui.relative_time import parse_stored, time_ago, utc_label
from local_pact_broker.ui.verification_status import Status, status_of
from local_pact_broker.ui.version_display import short_name, short_version

SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8"
SHA256 = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        (SHA, "9fceb02"),
        (SHA.upper(), "9FCEB02"),
        (SHA256, "5891b5b"),
        ("1.2.3", "1.2.3"),
        (f"1.2.3+{SHA}", "1.2.3+9fceb02"),
        (f"{SHA}-dirty", "9fceb02-dirty"),
        # 39 and 41 characters are not SHAs: shown as they are.
        (SHA[:39], SHA[:39]),
        (SHA + "a", SHA + "a"),
        ("x" * 50, "x" * 50),
        ("release-" + "y" * 60, "release-" + "y" * 31 + "…" + "y" * 10),
        (
            f"release-2026-05-01-build-number-123456-{SHA}",
            "release-2026-05-01-build-number-123456-9fceb02",
        ),
        ("", ""),
    ],
)
def test_short_version(number: str, shown: str) -> None:
    assert short_version(number) == shown
    assert len(short_version(number)) <= 50


def test_long_version_keeps_the_official_head_and_tail() -> None:
    number = "abcdefghij" * 6  # 60 characters, not a SHA (non-hex letters in runs of 60)
    assert short_version(number) == number[:39] + "…" + number[-10:]


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("main", "main"),
        ("feature/add-search-by-email", "feature/add-search-by-email"),
        ("feature/rename-the-email-field-for-the-new-schema", "feature/rename…-the-new-schema"),
    ],
)
def test_short_name(name: str, shown: str) -> None:
    assert short_name(name) == shown
    assert len(shown) <= 30


NOW = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("before", "words"),
    [
        (timedelta(seconds=0), "less than a minute ago"),
        (timedelta(seconds=29), "less than a minute ago"),
        (timedelta(seconds=30), "1 minute ago"),  # rounded half up, as Ruby rounds
        (timedelta(minutes=3), "3 minutes ago"),
        (timedelta(minutes=44, seconds=29), "44 minutes ago"),
        (timedelta(minutes=45), "about 1 hour ago"),
        (timedelta(minutes=89), "about 1 hour ago"),
        (timedelta(minutes=90), "about 2 hours ago"),
        (timedelta(hours=23, minutes=59), "about 24 hours ago"),
        (timedelta(hours=24), "1 day ago"),
        (timedelta(hours=41, minutes=59), "1 day ago"),
        (timedelta(hours=42), "2 days ago"),
        (timedelta(days=29), "29 days ago"),
        (timedelta(days=30), "about 1 month ago"),
        (timedelta(days=59), "about 2 months ago"),
        (timedelta(days=60), "2 months ago"),
        (timedelta(days=364), "12 months ago"),
        (timedelta(days=365), "about 1 year ago"),
        (timedelta(days=365 + 120), "over 1 year ago"),
        (timedelta(days=365 + 300), "almost 2 years ago"),
        (timedelta(days=365 * 20 + 5), "about 20 years ago"),  # leap days discounted
    ],
)
def test_time_ago_in_the_official_words(before: timedelta, words: str) -> None:
    assert time_ago(NOW - before, NOW) == words


def test_time_ago_of_a_later_clock_says_in() -> None:
    assert time_ago(NOW + timedelta(minutes=5), NOW) == "in 5 minutes"
    assert time_ago(NOW + timedelta(seconds=5), NOW) == "less than a minute ago"


def test_stored_timestamps_read_as_utc() -> None:
    assert parse_stored("2026-05-01T11:57:00.123456+00:00") == NOW - timedelta(
        minutes=2, seconds=59, microseconds=876544
    )
    assert parse_stored("2026-05-01T13:57:00+02:00") == NOW - timedelta(minutes=3)
    assert parse_stored("2026-05-01T11:57:00") == NOW - timedelta(minutes=3)
    assert utc_label(parse_stored("2026-05-01T13:57:00.5+02:00")) == "2026-05-01 11:57:00 UTC"


def test_hints_quote_names_for_the_shell() -> None:
    assert hints.record_deployment("user-service", "production") == (
        "just record-deployment user-service production"
    )
    assert hints.record_deployment("signup service", "prod eu") == (
        "just record-deployment 'signup service' 'prod eu'"
    )
    assert hints.can_i_deploy("it's", "production") == ("just can-i-deploy 'it'\"'\"'s' production")
    assert hints.create_environment() == "just create-environment production --production"
    assert hints.create_environment("staging") == "just create-environment staging"
    assert hints.target_environment(["staging", "prod"], {"prod"}) == "prod"
    assert hints.target_environment(["staging"], set()) == "staging"
    assert hints.target_environment([], set()) == "production"


def test_page_paths_quote_each_name_as_one_segment() -> None:
    assert matrix_path("user service", "Zürich/ü?#") == (
        "/matrix/provider/user%20service/consumer/Z%C3%BCrich%2F%C3%BC%3F%23"
    )
    assert (
        ui_pact_path("P", "C", "feat/1.0") == "/ui/pacts/provider/P/consumer/C/version/feat%2F1.0"
    )


# --- verification status and row grouping, over plain models ---


def _version(
    pacticipant: str, order: int, *branches: str, envs: tuple[str, ...] = ()
) -> PacticipantVersion:
    return PacticipantVersion(
        pacticipant, f"{pacticipant}-{order}", order, branches=branches, deployed_to=envs
    )


def _publication(version: PacticipantVersion, sha: str, provider: str = "Bar") -> Publication:
    return Publication(version, provider, sha, f"2026-05-01T10:00:{version.order:02d}+00:00")


def _verification(
    ident: int, sha: str, provider_version: PacticipantVersion, *, success: bool
) -> Verification:
    return Verification(
        id=ident,
        consumer="Foo",
        provider="Bar",
        pact_sha=sha,
        provider_version=provider_version,
        success=success,
        created_at=f"2026-05-01T11:00:{ident:02d}+00:00",
    )


CREATED = {
    ("Bar", "main"): "2026-01-01T00:00:00+00:00",
    ("Bar", "feat"): "2026-05-01T11:30:00+00:00",
}


def test_a_failure_of_a_never_verified_pact_is_pending() -> None:
    failed = _verification(1, "new", _version("Bar", 10, "main"), success=False)
    assert status_of(failed, [failed], CREATED) is Status.PENDING


def test_a_failure_after_the_branch_verified_the_pact_is_a_real_failure() -> None:
    passed = _verification(1, "s", _version("Bar", 10, "main"), success=True)
    failed = _verification(2, "s", _version("Bar", 11, "main"), success=False)
    assert status_of(failed, [passed, failed], CREATED) is Status.FAILED


def test_pending_is_judged_as_it_was_when_the_verification_ran() -> None:
    failed = _verification(1, "s", _version("Bar", 10, "main"), success=False)
    later_pass = _verification(2, "s", _version("Bar", 11, "main"), success=True)
    assert status_of(failed, [failed, later_pass], CREATED) is Status.PENDING


def test_a_new_provider_branch_inherits_what_main_verified_before_it_existed() -> None:
    main_pass = _verification(1, "s", _version("Bar", 10, "main"), success=True)
    feature_fail = _verification(2, "s", _version("Bar", 11, "feat"), success=False)
    assert status_of(feature_fail, [main_pass, feature_fail], CREATED) is Status.FAILED
    created_before = {**CREATED, ("Bar", "feat"): "2026-01-02T00:00:00+00:00"}
    # The branch existed before main's success: the content is still pending for it.
    assert status_of(feature_fail, [main_pass, feature_fail], created_before) is Status.PENDING


INTEGRATION = Integration("Foo", "Bar", consumer_main_branch="main", provider_main_branch="main")


def test_main_row_comes_first_even_when_a_feature_branch_is_newer() -> None:
    main_head = _publication(_version("Foo", 1, "main"), "main-pact")
    feature_head = _publication(_version("Foo", 2, "feat-x"), "feature-pact")
    heads = [
        HeadPublication(None, feature_head),  # the integration's newest: on feat-x
        HeadPublication("feat-x", feature_head),
        HeadPublication("main", main_head),
    ]
    verifications = [
        _verification(1, "main-pact", _version("Bar", 5, "main"), success=True),
        _verification(2, "feature-pact", _version("Bar", 5, "main"), success=False),
    ]
    [view] = integration_views([INTEGRATION], heads, verifications, CREATED)
    assert [(r.kind, r.branch) for r in view.rows] == [
        (RowKind.MAIN, "main"),
        (RowKind.BRANCH, "feat-x"),
    ]
    main_row, feature_row = view.rows
    assert main_row.status is Status.PASSED
    assert feature_row.status is Status.PENDING  # never verified before: not blocking
    assert not view.main_row_missing


def test_a_row_shows_main_s_result_and_a_newer_one_from_another_branch() -> None:
    head = _publication(_version("Foo", 1, "main"), "s")
    main_pass = _verification(1, "s", _version("Bar", 5, "main"), success=True)
    feature_fail = _verification(2, "s", _version("Bar", 6, "feat"), success=False)
    main_again = _verification(3, "s", _version("Bar", 7, "main"), success=True)

    view = integration_view(
        INTEGRATION, [HeadPublication("main", head)], {"s": [main_pass, feature_fail]}, CREATED
    )
    [(first, second)] = [r.results for r in view.rows]
    assert (first.provider_version.number, first.status, first.on_main_branch) == (
        "Bar-5",
        Status.PASSED,
        True,
    )
    assert (second.provider_version.number, second.status, second.on_main_branch) == (
        "Bar-6",
        Status.FAILED,
        False,
    )
    # Once main verified again, main's newest result is the newest: one result only.
    view = integration_view(
        INTEGRATION,
        [HeadPublication("main", head)],
        {"s": [main_pass, feature_fail, main_again]},
        CREATED,
    )
    assert [r.provider_version.number for r in view.rows[0].results] == ["Bar-7"]


def test_results_of_another_consumer_or_provider_are_ignored() -> None:
    head = _publication(_version("Foo", 1, "main"), "s")
    elsewhere = Verification(9, "Other", "Bar", "s", _version("Bar", 5, "main"), True, "x")
    view = integration_view(INTEGRATION, [HeadPublication("main", head)], {"s": [elsewhere]}, {})
    assert view.rows[0].results == ()
    assert view.rows[0].status is Status.UNVERIFIED


def test_branch_rows_are_newest_first_and_capped() -> None:
    heads = [
        HeadPublication(f"b{n}", _publication(_version("Foo", n, f"b{n}"), f"s{n}"))
        for n in range(1, 9)
    ]
    view = integration_view(INTEGRATION, heads, {}, CREATED, max_branch_rows=3)
    assert [r.branch for r in view.rows] == ["b8", "b7", "b6"]
    assert view.hidden_branches == 5
    assert view.main_row_missing  # Foo has a main branch with no pact for Bar


def test_the_newest_pact_gets_a_row_only_when_no_branch_row_shows_it() -> None:
    tagged_only = _publication(_version("Foo", 3), "t")
    main_head = _publication(_version("Foo", 1, "main"), "m")
    view = integration_view(
        INTEGRATION,
        [HeadPublication(None, tagged_only), HeadPublication("main", main_head)],
        {},
        CREATED,
    )
    assert [(r.kind, r.consumer_version.number) for r in view.rows] == [
        (RowKind.MAIN, "Foo-1"),
        (RowKind.LATEST, "Foo-3"),
    ]
    view = integration_view(
        INTEGRATION,
        [HeadPublication(None, main_head), HeadPublication("main", main_head)],
        {},
        CREATED,
    )
    assert [r.kind for r in view.rows] == [RowKind.MAIN]


def test_without_a_main_branch_there_is_no_main_row() -> None:
    no_main = Integration("Foo", "Bar", None, None)
    head = _publication(_version("Foo", 1, "trunk"), "s")
    view = integration_view(
        no_main, [HeadPublication("trunk", head), HeadPublication(None, head)], {}, {}
    )
    assert [(r.kind, r.branch) for r in view.rows] == [(RowKind.BRANCH, "trunk")]
    assert not view.main_row_missing


def test_integrations_sort_by_consumer_then_provider_ignoring_case() -> None:
    names = [("b", "x"), ("A", "y"), ("a", "x")]
    views = integration_views([Integration(c, p, None, None) for c, p in names], [], [], {})
    assert [(v.consumer, v.provider) for v in views] == [("a", "x"), ("A", "y"), ("b", "x")]


def test_matrix_lines_pair_each_consumer_version_with_each_verifying_provider_version() -> None:
    old = _publication(_version("Foo", 1, "main"), "s")
    new = _publication(_version("Foo", 2, "main"), "s")  # same content: same results apply
    unverified = _publication(_version("Foo", 3, "feat"), "t")
    results = [
        _verification(1, "s", _version("Bar", 5, "main"), success=False),
        _verification(2, "s", _version("Bar", 5, "main"), success=True),  # newer for the pair
        _verification(3, "s", _version("Bar", 6, "feat"), success=False),
    ]
    lines, total = matrix_lines([old, new, unverified], results, CREATED, "main")
    assert total == 5
    assert [
        (
            line.consumer_version.number,
            line.result.provider_version.number if line.result else None,
            line.status,
        )
        for line in lines
    ] == [
        ("Foo-3", None, Status.UNVERIFIED),
        ("Foo-2", "Bar-6", Status.FAILED),
        ("Foo-2", "Bar-5", Status.PASSED),
        ("Foo-1", "Bar-6", Status.FAILED),
        ("Foo-1", "Bar-5", Status.PASSED),
    ]
    limited, total = matrix_lines([old, new, unverified], results, CREATED, "main", limit=2)
    assert (len(limited), total) == (2, 5)


def test_an_unverified_changed_pact_shows_the_branch_s_last_result() -> None:
    new = _publication(_version("Foo", 2, "main"), "new")  # Foo-1 on main published "old"
    passed = _verification(1, "old", _version("Bar", 5, "main"), success=True)
    heads = [HeadPublication("main", new), HeadPublication(None, new)]
    [view] = integration_views(
        [INTEGRATION], heads, [passed], CREATED, last_verified={("Foo", "Bar", "main"): 1}
    )
    [row] = view.rows
    assert row.status is Status.UNVERIFIED
    assert row.before_change is not None
    assert (row.before_change.status, row.before_change.provider_version.number) == (
        Status.PASSED,
        "Bar-5",
    )
    # Once the new pact is verified, its own result is shown and nothing from before.
    verified = _verification(2, "new", _version("Bar", 6, "main"), success=True)
    [view] = integration_views(
        [INTEGRATION],
        [HeadPublication("main", new)],
        [passed, verified],
        CREATED,
        last_verified={("Foo", "Bar", "main"): 2},
    )
    assert view.rows[0].before_change is None
