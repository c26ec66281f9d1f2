"""Unit tests, without a server, of the texts verifiers print and of the /matrix rows.

Notice texts are checked word for word against the official broker's recordings (11, 12, 16)
because verifiers print them verbatim; the other sentences follow the official source.
"""

import json
from pathlib import Path
from typing import Any

from local_pact_broker.domain.can_i_deploy import Mode, Side, decide
from local_pact_broker.domain.models import PacticipantVersion, Publication, Verification
from local_pact_broker.domain.selectors import ConsumerVersionSelector, SelectedPublication
from local_pact_broker.domain.verifiable_pacts import VerifiablePact
from local_pact_broker.domain.verification_notices import (
    BETA_API_WARNING,
    short_description,
    verification_notices,
)

RECORDINGS = Path(__file__).parent / "fixtures" / "official-broker-recordings"
PERMALINK = (
    "http://127.0.0.1:9292/pacts/provider/Bar/consumer/Foo/pact-version/"
    "177cff8fa1d8412ed6722af7fcab01a7cb7e488e"
)
FOO_1 = PacticipantVersion("Foo", "1.0.0", 1, branches=("main",))
FOO_2 = PacticipantVersion("Foo", "2.0.0", 3, branches=("main",))
PUB_1 = Publication(FOO_1, "Bar", "sha1", "2026-01-01T00:00:00+00:00")
PUB_2 = Publication(FOO_2, "Bar", "sha2", "2026-01-02T00:00:00+00:00")
BAR_1 = PacticipantVersion("Bar", "b-1", 2, branches=("main",))
BAR_2 = PacticipantVersion("Bar", "b-2", 4, branches=("main",))


def recorded_notices(name: str) -> list[dict[str, str]]:
    body: dict[str, Any] = json.loads((RECORDINGS / f"{name}.json").read_text())["body"]
    notices: list[dict[str, str]] = body["_embedded"]["pacts"][0]["verificationProperties"][
        "notices"
    ]
    return notices


def pact(
    *selections: SelectedPublication,
    pending: bool | None = True,
    wip: bool = False,
    tags: tuple[str, ...] = (),
) -> VerifiablePact:
    return VerifiablePact(
        consumer="Foo",
        provider="Bar",
        pact_sha="sha1",
        consumer_version=FOO_1,
        selections=selections,
        pending=pending,
        pending_tags=tags,
        wip=wip,
        wip_branches=("feat",) if wip else (),
    )


MAIN_BRANCH = SelectedPublication(PUB_1, ConsumerVersionSelector(main_branch=True))


def test_pending_notices_match_recording_12() -> None:
    notices = verification_notices(pact(MAIN_BRANCH), PERMALINK, "main", "main")
    assert notices == recorded_notices("12-for-verification-pending")


def test_verified_notices_match_recording_16() -> None:
    notices = verification_notices(pact(MAIN_BRANCH, pending=False), PERMALINK, "main", "main")
    assert notices == recorded_notices("16-for-verification-after-success")


def test_default_selector_notices_without_provider_branch_match_recording_11() -> None:
    selection = SelectedPublication(
        PUB_1, ConsumerVersionSelector(main_branch=True, consumer="Foo")
    )
    notices = verification_notices(pact(selection), PERMALINK, "main", None)
    assert [{"when": "before_verification", "text": BETA_API_WARNING}, *notices] == (
        recorded_notices("11-provider-pacts-for-verification-links")
    )


def test_pending_for_provider_tags() -> None:
    notices = verification_notices(pact(MAIN_BRANCH, tags=("dev", "prod")), "URL", "main", None)
    texts = {n["when"]: n["text"] for n in notices[1:]}
    assert texts["after_verification:success_false_published_true"] == (
        "This pact is still in pending state for any versions of Bar with tag 'dev' and 'prod' "
        "as a successful verification result with these tags has not yet been published"
    )


def test_wip_notices() -> None:
    notices = verification_notices(pact(wip=True), "URL", None, "main")
    assert notices[0]["text"] == (
        "The pact at URL is being verified because it is a 'work in progress' pact (ie. it is "
        "the pact for the latest version of Foo from branch 'feat' and it has not yet been "
        "successfully verified by a version of Bar from branch 'main' when the pact's "
        "application version was explicitly specified in the consumer version selectors). "
        "Read more at https://docs.pact.io/go/wip"
    )
    assert notices[1]["text"].startswith(
        "This pact is in pending state for this version of Bar because it was included as a "
        "'work in progress' pact."
    )
    # As the official broker: a WIP pact is described by the branch head that made it WIP.
    assert short_description(pact(wip=True)) == "latest from branch feat"


def test_fallback_and_consumer_tag_descriptions() -> None:
    fallback_branch = SelectedPublication(
        PUB_1, ConsumerVersionSelector(branch="feat-x", fallback_branch="main")
    )
    all_tagged = SelectedPublication(PUB_1, ConsumerVersionSelector(tag="prod", consumer="Foo"))
    notices = verification_notices(pact(fallback_branch, all_tagged), "URL", "main", "main")
    assert notices[0]["text"] == (
        "The pact at URL is being verified because the pact content belongs to the consumer "
        "versions matching the following criteria:\n"
        "    * latest version from branch 'main' (fallback branch used as no pact was found "
        "from branch 'feat-x') (1.0.0)\n"
        "    * all Foo versions tagged 'prod' (1.0.0)"
    )
    assert short_description(pact(fallback_branch, all_tagged)) == (
        "latest from branch main, one of Foo prod"
    )


def test_deployed_selections_share_one_bullet_per_consumer() -> None:
    deployed = PacticipantVersion("Foo", "1.0.0", 1, deployed_to=("production", "test"))
    publication = Publication(deployed, "Bar", "sha1", "2026-01-01T00:00:00+00:00")
    selector = ConsumerVersionSelector(deployed_or_released=True)
    selections = [SelectedPublication(publication, selector, env) for env in ("production", "test")]
    notices = verification_notices(pact(*selections, pending=None), "URL", None, None)
    assert notices[0]["text"].endswith(
        "criteria:\n    * consumer version(s) currently deployed to production (1.0.0) and test "
        "(1.0.0)"
    )
    assert short_description(pact(*selections)) == "deployed to production, deployed to test"


def verification(sha: str, provider: PacticipantVersion, success: bool, id_: int) -> Verification:
    return Verification(id_, "Foo", "Bar", sha, provider, success, "2026-01-03T00:00:00+00:00")


def test_two_selector_matrix_relates_exactly_those_versions() -> None:
    foo = Side("Foo", (FOO_1,), Mode.VERSION, requested_number="1.0.0")
    bar = Side("Bar", (BAR_1,), Mode.VERSION, requested_number="b-1")
    verifications = [verification("sha1", BAR_1, True, 1), verification("sha1", BAR_2, False, 2)]
    verdict = decide(foo, [bar], [PUB_1, PUB_2], verifications)
    assert [(r.publication, r.provider_version) for r in verdict.rows] == [(PUB_1, BAR_1)]
    assert verdict.deployable is True
    # Asked the other way round (provider first), the same row and verdict.
    reverse = decide(bar, [foo], [PUB_1, PUB_2], verifications)
    assert [(r.publication, r.provider_version) for r in reverse.rows] == [(PUB_1, BAR_1)]
    assert reverse.deployable is True


def test_two_selector_matrix_unverified_pair() -> None:
    foo = Side("Foo", (FOO_2,), Mode.VERSION, requested_number="2.0.0")
    bar = Side("Bar", (BAR_1,), Mode.VERSION, requested_number="b-1")
    verdict = decide(foo, [bar], [PUB_1, PUB_2], [verification("sha1", BAR_1, True, 1)])
    assert verdict.deployable is None
    assert (
        verdict.reason
        == "There is no verified pact between version 2.0.0 of Foo and version b-1 of Bar"
    )


def test_latestby_cvpv_keeps_the_latest_result_of_each_provider_version() -> None:
    """Two versions named (latestby=cvpv): one row per provider version, its newest result."""
    foo = Side("Foo", (FOO_1,), Mode.VERSION, requested_number="1.0.0")
    bars = Side("Bar", (BAR_1, BAR_2), Mode.ENVIRONMENT, environment="production")
    verifications = [
        verification("sha1", BAR_1, False, 1),
        verification("sha1", BAR_1, True, 2),
        verification("sha1", BAR_2, True, 3),
    ]
    verdict = decide(foo, [bars], [PUB_1], verifications)
    assert [(r.provider_version, r.verification) for r in verdict.rows] == [
        (BAR_1, verifications[1]),
        (BAR_2, verifications[2]),
    ]
    assert verdict.deployable is True
    assert (verdict.success, verdict.failed, verdict.unknown) == (2, 0, 0)


def test_latestby_cvp_keeps_the_latest_provider_version_only() -> None:
    """One version named, no environment (latestby=cvp): the newest result by any provider."""
    foo = Side("Foo", (FOO_1,), Mode.VERSION, requested_number="1.0.0")
    any_bar = Side("Bar", (), Mode.ANY)
    verifications = [verification("sha1", BAR_2, False, 2), verification("sha1", BAR_1, True, 1)]
    verdict = decide(
        foo, [any_bar], [PUB_1], verifications, warn_no_environment=True, latestby="cvp"
    )
    assert [(r.provider_version, r.verification) for r in verdict.rows] == [
        (BAR_2, verifications[0])
    ]
    assert verdict.deployable is False
    assert verdict.reasons[0][0] == "warning"
    assert verdict.reasons[1] == (
        "error",
        "The verification for the pact between version 1.0.0 of Foo and any version of Bar failed",
    )
