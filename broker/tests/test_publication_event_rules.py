"""Rules of ``domain.publication_events``: the ``Events detected`` explanation the CLI prints
after publishing (issue #9, transcript S014, S017, S097)."""

from local_pact_broker.domain.publication_events import (
    content_changed_explanation,
    content_unchanged_comment,
)


def test_untagged_first_and_changed() -> None:
    assert content_changed_explanation("a", {None: None}) == "first time untagged pact published"
    assert content_changed_explanation("a", {None: "b"}) == (
        "pact content has changed since previous untagged version"
    )
    assert content_changed_explanation("a", {None: "a"}) is None


def test_each_tag_is_compared_with_the_last_pact_of_that_tag() -> None:
    explanation = content_changed_explanation("a", {"dev": None, "rc": "b", "prod": "a"})
    assert explanation == (
        "first time any pact published for this consumer with consumer version tagged dev, "
        "pact content has changed since the last consumer version tagged with rc"
    )


def test_unchanged_comment_names_the_tags() -> None:
    assert content_unchanged_comment(["dev"]) == (
        "pact content is the same as previous version with tag dev and no new tags were applied"
    )
    assert content_unchanged_comment(["dev", "rc"]).startswith(
        "pact content is the same as previous versions with tags dev, rc and"
    )
