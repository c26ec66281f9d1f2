"""Why publishing a pact is a ``contract_content_changed`` event, worded as the official broker.

The official broker compares the new pact with the previous one of the same consumer and
provider *for each tag* of the new consumer version (or, for an untagged version, with the
previous untagged one) and explains each difference; the CLI prints the explanation after
``Events detected:``.
"""

from collections.abc import Mapping


def content_changed_explanation(
    sha: str, previous_by_tag: Mapping[str | None, str | None]
) -> str | None:
    """The explanation, or ``None`` when the content is unchanged for every tag.

    ``previous_by_tag`` maps each tag of the new version (``None`` for an untagged version) to
    the content sha of the previous pact with that tag, or ``None`` if there is none.
    """
    reasons: list[str] = []
    for tag, previous in previous_by_tag.items():
        if previous == sha:
            continue
        if tag is None:
            reasons.append(
                "pact content has changed since previous untagged version"
                if previous
                else "first time untagged pact published"
            )
        elif previous:
            reasons.append(
                f"pact content has changed since the last consumer version tagged with {tag}"
            )
        else:
            reasons.append(
                "first time any pact published for this consumer with consumer version tagged "
                + tag
            )
    return ", ".join(reasons) or None


def content_unchanged_comment(tags: list[str]) -> str:
    """The official comment on ``contract_published`` when the content changed for no tag.

    (For an untagged version the official text reads "with tags  and", kept as it is.)
    """
    if len(tags) == 1:
        return (
            f"pact content is the same as previous version with tag {tags[0]} and no new tags "
            "were applied"
        )
    return (
        f"pact content is the same as previous versions with tags {', '.join(tags)} and no new "
        "tags were applied"
    )
