"""What each ``pb:`` relation the broker links means: the pages behind its HAL ``curies``.

A HAL client expands the ``curies`` link (``/doc/{rel}?context=index``) into a documentation
URL for each relation, as the official broker serves them; this is the one table those pages
come from. Every relation the broker emits has an entry (the link-crawling test fails on one
without); anything else is a 404. ``webhooks`` also explains the host whitelist, which the
broker's webhook refusals point to (``/doc/webhooks#whitelist``).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class RelationDoc:
    """One relation's page: a title, what following the link gives, and the verb that uses it."""

    title: str
    summary: str
    verb: str | None = None


RELATION_DOCS: dict[str, RelationDoc] = {
    "all-pact-versions": RelationDoc(
        "All versions of this pact", "Every version of the pact between this consumer and provider."
    ),
    "branch-pact-versions": RelationDoc(
        "Pacts from a consumer branch",
        "Every version of the pact a consumer published from the named branch.",
    ),
    "branch-version": RelationDoc(
        "A version on a branch",
        "GET, or PUT to add, a version of this pacticipant on the named branch.",
    ),
    "branches": RelationDoc("Branches", "The branches this pacticipant has published versions on."),
    "can-i-deploy-badge": RelationDoc(
        "can-i-deploy badge",
        "A badge saying whether the latest tagged version may be deployed to a tagged environment.",
    ),
    "can-i-deploy-branch-to-environment-badge": RelationDoc(
        "can-i-deploy badge for a branch",
        "A badge saying whether a branch's latest version may be deployed to an environment.",
    ),
    "can-i-deploy-pacticipant-version-to-environment": RelationDoc(
        "can-i-deploy to an environment",
        "Whether this version of a pacticipant was verified against every integration partner "
        "currently deployed to the environment, with the matrix rows that decide it.",
        "just can-i-deploy PACTICIPANT production",
    ),
    "can-i-deploy-pacticipant-version-to-tag": RelationDoc(
        "can-i-deploy to a tag",
        "As can-i-deploy to an environment, for the older setups that mark environments by tag.",
    ),
    "consumer": RelationDoc("Consumer", "The pacticipant that published this pact."),
    "consumer-version": RelationDoc(
        "Consumer version", "The consumer version (a git commit) that published this pact."
    ),
    "consumer-versions": RelationDoc(
        "Consumer versions", "Every consumer version that published this same pact content."
    ),
    "consumer-webhooks": RelationDoc(
        "Webhooks for this provider's pacts",
        "The webhooks that fire for every pact with this provider, whatever the consumer.",
    ),
    "deployed-environments": RelationDoc(
        "Deployed environments", "The environments this version is currently deployed to."
    ),
    "diff": RelationDoc("Diff", "What changed between this pact content and another version."),
    "diff-previous-distinct": RelationDoc(
        "Diff with the previous distinct version",
        "What changed since the consumer last published different pact content.",
    ),
    "environment": RelationDoc(
        "Environment",
        "One deployment environment (say production), by its UUID, with what is deployed there.",
    ),
    "environments": RelationDoc(
        "Environments",
        "The deployment environments: GET lists them, POST creates one.",
        "just create-environment production --production",
    ),
    "integrations": RelationDoc(
        "Integrations", "Every consumer and provider pair that a pact connects."
    ),
    "label": RelationDoc("Label", "GET, PUT or DELETE a label on this pacticipant."),
    "latest-branch-pact-versions": RelationDoc(
        "Latest pact from a consumer branch",
        "The newest pact a consumer published from the named branch.",
    ),
    "latest-main-branch-pact-versions": RelationDoc(
        "Latest pact from the consumer's main branch",
        "The newest pact a consumer published from its main branch.",
    ),
    "latest-pact-version": RelationDoc(
        "Latest version of this pact", "The newest pact between this consumer and provider."
    ),
    "latest-pact-versions": RelationDoc(
        "Latest pacts", "The newest pact of every consumer and provider pair."
    ),
    "latest-provider-pacts": RelationDoc(
        "Latest pacts for a provider", "The newest pact from each of a provider's consumers."
    ),
    "latest-provider-pacts-with-branch": RelationDoc(
        "Latest pacts for a provider from a branch",
        "The newest pact from each consumer's branch of that name.",
    ),
    "latest-provider-pacts-with-main-branch": RelationDoc(
        "Latest pacts for a provider from main branches",
        "The newest pact from each consumer's main branch.",
    ),
    "latest-provider-pacts-with-tag": RelationDoc(
        "Latest tagged pacts for a provider",
        "The newest pact from each consumer version with the tag.",
    ),
    "latest-tagged-pact-version": RelationDoc(
        "Latest tagged version of this pact",
        "The newest pact from a consumer version with the tag.",
    ),
    "latest-tagged-version": RelationDoc(
        "Latest tagged version", "The newest version of a pacticipant with the tag."
    ),
    "latest-untagged-pact-version": RelationDoc(
        "Latest untagged version of this pact",
        "The newest pact from a consumer version without tags.",
    ),
    "latest-verification-results": RelationDoc(
        "Latest verification results",
        "The provider's most recent verification result for this pact content.",
    ),
    "latest-verification-results-where-pacticipant-is-consumer": RelationDoc(
        "Latest verification results for this consumer version",
        "The newest verification result of each pact this consumer version published.",
    ),
    "latest-version": RelationDoc("Latest version", "The newest version of a pacticipant."),
    "main-branch-pact-versions": RelationDoc(
        "Pacts from the consumer's main branch",
        "Every version of the pact the consumer published from its main branch.",
    ),
    "matrix-for-consumer-version": RelationDoc(
        "Matrix for this consumer version",
        "The matrix rows (consumer version, provider version, verification result) of the "
        "consumer version this pact belongs to.",
    ),
    "metrics": RelationDoc("Metrics", "Counts of what the broker holds."),
    "pact-version": RelationDoc(
        "Pact content permalink",
        "This pact content by its SHA: the same whichever consumer version published it.",
    ),
    "pact-versions": RelationDoc(
        "Pacts of this version", "The pacts this consumer version published, one per provider."
    ),
    "pact-webhooks": RelationDoc(
        "Webhooks for this pact",
        "The webhooks that fire for the pact between this consumer and provider.",
    ),
    "pacticipant": RelationDoc(
        "Pacticipant", "A consumer or provider, by name: its versions, branches and main branch."
    ),
    "pacticipant-branch": RelationDoc(
        "Pacticipant branch", "GET or DELETE a branch of a pacticipant."
    ),
    "pacticipant-branch-version": RelationDoc(
        "Pacticipant branch version", "GET, or PUT to add, a version on a branch of a pacticipant."
    ),
    "pacticipant-version": RelationDoc(
        "Pacticipant version", "GET, PUT or DELETE one version (a git commit) of a pacticipant."
    ),
    "pacticipant-version-tag": RelationDoc(
        "Pacticipant version tag", "GET, PUT or DELETE a tag on a version of a pacticipant."
    ),
    "pacticipants": RelationDoc("Pacticipants", "Every consumer and provider the broker knows."),
    "pacts": RelationDoc(
        "Pacts", "The pacts this resource lists, each a link to the pact's JSON and its results."
    ),
    "previous-distinct": RelationDoc(
        "Previous distinct version", "The last pact this consumer published with other content."
    ),
    "provider": RelationDoc("Provider", "The pacticipant this pact is verified by."),
    "provider-pacts": RelationDoc("Pacts for a provider", "Every pact version for a provider."),
    "provider-pacts-for-verification": RelationDoc(
        "Pacts for verification",
        "POST consumer version selectors (main branch, matching branch, deployed or released) "
        "and get the pacts the provider must verify, with the pending and work-in-progress "
        "notices that say whether a failure fails the build.",
        "just verify",
    ),
    "provider-pacts-with-branch": RelationDoc(
        "Pacts for a provider from a branch",
        "Every pact for a provider from the consumers' branches of that name.",
    ),
    "provider-pacts-with-main-branch": RelationDoc(
        "Pacts for a provider from main branches",
        "Every pact for a provider from the consumers' main branches.",
    ),
    "provider-pacts-with-tag": RelationDoc(
        "Tagged pacts for a provider",
        "Every pact for a provider from consumer versions with the tag.",
    ),
    "publish-contracts": RelationDoc(
        "Publish contracts",
        "POST a consumer version's pacts, with its branch, in one request: what the official "
        "CLI's publish sends.",
        "just publish",
    ),
    "publish-pact": RelationDoc(
        "Publish a pact", "PUT one pact as a consumer version (the older way to publish)."
    ),
    "publish-verification-results": RelationDoc(
        "Publish verification results",
        "POST the provider's verification result for this pact content, as its version.",
        "CI=true just verify",
    ),
    "record-deployment": RelationDoc(
        "Record a deployment",
        "POST to record that this version is now deployed to the environment (after the deploy).",
        "just record-deployment PACTICIPANT production",
    ),
    "record-release": RelationDoc(
        "Record a release", "POST to record that this version is released to the environment."
    ),
    "tag": RelationDoc("Tag", "GET, PUT or DELETE a tag on this version."),
    "tag-prod-version": RelationDoc(
        "Tag as prod", "PUT to tag this consumer version 'prod' (older setups)."
    ),
    "tag-version": RelationDoc("Tag this version", "PUT to tag this consumer version."),
    "tagged-pact-versions": RelationDoc(
        "Tagged pact versions",
        "Every version of a pact from consumer versions with the tag.",
    ),
    "triggered-webhooks": RelationDoc(
        "Triggered webhooks", "The webhook calls the publication of this pact started."
    ),
    "version": RelationDoc(
        "Version", "GET, PUT or DELETE one version (a git commit) of this pacticipant."
    ),
    "version-tag": RelationDoc("Version tag", "GET, PUT or DELETE a tag on a version."),
    "versions": RelationDoc("Versions", "This pacticipant's versions, newest first."),
    "webhooks": RelationDoc(
        "Webhooks",
        "Webhooks make the broker call another system when something happens: when a changed "
        "pact needs verifying, say, start the provider's verification build.",
        "just create-webhook",
    ),
}

# The webhooks resource's own curie is ``/doc/webhooks-{rel}``; like the official broker,
# its relations and a single webhook share the webhooks page.
_ALIASES = {"webhooks-create": "webhooks", "webhooks-webhooks": "webhooks", "webhook": "webhooks"}
_PREFIXES = ("pb:", "beta:")


def relation_doc(rel: str) -> tuple[str, RelationDoc] | None:
    """The page name and documentation of ``rel`` (``pb:`` or ``beta:`` optional), or None."""
    for prefix in _PREFIXES:
        rel = rel.removeprefix(prefix)
    name = _ALIASES.get(rel, rel)
    doc = RELATION_DOCS.get(name)
    return None if doc is None else (name, doc)
