"""Unit tests of the broker's rules, without a server."""

import pytest

from local_pact_broker.domain.can_i_deploy import Mode, Side, decide
from local_pact_broker.domain.models import PacticipantVersion, Publication, Verification
from local_pact_broker.domain.pact_content import content_diff, pact_sha
from local_pact_broker.domain.pact_metadata import decode_metadata, encode_metadata
from local_pact_broker.domain.pending import PendingQuery, is_pending
from local_pact_broker.domain.selectors import SelectorError, parse_selectors, select_publications

FOO_1 = PacticipantVersion("Foo", "1.0.0", 1, branches=("main",))
FOO_2 = PacticipantVersion("Foo", "2.0.0", 3, branches=("feat",))
BAR_1 = PacticipantVersion("Bar", "b-1", 2, branches=("main",), deployed_to=("production",))
PUB_1 = Publication(FOO_1, "Bar", "sha1", "2026-01-01T00:00:00.000000+00:00")
PUB_2 = Publication(FOO_2, "Bar", "sha2", "2026-01-02T00:00:00.000000+00:00")


def verification(sha: str, success: bool) -> Verification:
    return Verification(1, "Foo", "Bar", sha, BAR_1, success, "2026-01-03T00:00:00.000000+00:00")


def test_main_branch_selector_picks_latest_main_pact() -> None:
    selectors = parse_selectors([{"mainBranch": True}], None)
    chosen = select_publications(selectors, [PUB_1, PUB_2], None, {"Foo": "main"})
    assert [s.publication for s in chosen] == [PUB_1]


def test_matching_branch_needs_provider_branch() -> None:
    with pytest.raises(SelectorError, match="providerVersionBranch must be specified"):
        parse_selectors([{"matchingBranch": True}], None)


def test_pending_until_verified_by_provider_branch() -> None:
    query = PendingQuery("Bar", provider_branch="main")
    assert is_pending("sha1", [], query)
    assert is_pending("sha1", [verification("sha1", False)], query)
    assert not is_pending("sha1", [verification("sha1", True)], query)
    assert is_pending(
        "sha1", [verification("sha1", True)], PendingQuery("Bar", "feat", (), "2026-01-01")
    )


def test_can_i_deploy_yes_when_deployed_provider_verified() -> None:
    foo = Side("Foo", (FOO_1,), Mode.VERSION, requested_number="1.0.0")
    bar = Side("Bar", (BAR_1,), Mode.ENVIRONMENT, environment="production")
    verdict = decide(foo, [bar], [PUB_1], [verification("sha1", True)])
    assert verdict.deployable is True
    assert verdict.reason == "All required verification results are published and successful"


def test_can_i_deploy_no_when_verification_failed() -> None:
    foo = Side("Foo", (FOO_1,), Mode.VERSION, requested_number="1.0.0")
    bar = Side("Bar", (BAR_1,), Mode.ENVIRONMENT, environment="production")
    verdict = decide(foo, [bar], [PUB_1], [verification("sha1", False)])
    assert verdict.deployable is False
    assert verdict.reason == (
        "The verification for the pact between version 1.0.0 of Foo and the version of Bar "
        "currently in production (b-1) failed"
    )


def test_can_i_deploy_unknown_version() -> None:
    foo = Side("Foo", (), Mode.VERSION, requested_number="9.9.9")
    verdict = decide(foo, [], [], [])
    assert verdict.deployable is False
    assert (
        verdict.reason == "No pacts or verifications have been published for version 9.9.9 of Foo"
    )


def test_pact_sha_ignores_key_order_and_diff_shows_change() -> None:
    old = {"consumer": {"name": "Foo"}, "interactions": [{"description": "a"}]}
    new = {"interactions": [{"description": "b"}], "consumer": {"name": "Foo"}}
    assert pact_sha(old) == pact_sha(
        {"interactions": [{"description": "a"}], "consumer": {"name": "Foo"}}
    )
    assert '-      "description": "a"' in content_diff(old, new)
    assert '+      "description": "b"' in content_diff(old, new)


def test_diff_is_the_official_unified_diff_of_what_differs() -> None:
    """Transcript S016: equal elements show as ``...``, three lines of context, no headers."""
    old = {"interactions": [{"description": "a", "x": 1}, {"description": "z"}], "v": 1}
    new = {"interactions": [{"description": "b", "x": 1}, {"description": "z"}], "v": 1}
    assert content_diff(old, new).splitlines() == [
        " {",
        '   "interactions": [',
        "     {",
        '-      "description": "a"',
        '+      "description": "b"',
        "     },",
        "     ...",
        "   ]",
    ]
    assert content_diff(old, old) == ""


def test_metadata_round_trips() -> None:
    pairs = [("s[][cv]", "1"), ("p", "true")]
    assert decode_metadata(encode_metadata(pairs)) == pairs
    assert decode_metadata("!!!") == []
