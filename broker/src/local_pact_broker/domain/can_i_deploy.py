"""Matrix rows and the can-i-deploy verdict, as pure functions over plain data.

A consumer version *requires* each of its providers (in the target environment) to have
verified its pact successfully; a provider version must have verified the pacts of the consumer
versions already in the target environment. Reasons and counts use the official wording because
``pact broker can-i-deploy`` prints them.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from local_pact_broker.domain.models import PacticipantVersion, Publication, Verification


class Mode(Enum):
    """How the versions of one side of the matrix were chosen."""

    VERSION = "version"
    ENVIRONMENT = "environment"
    LATEST = "latest"
    BRANCH = "branch"
    TAG = "tag"
    ANY = "any"


def selection_mode(selector: Mapping[str, str]) -> Mode:
    """How a matrix ``q[]`` selector picks its pacticipant's versions, as the official broker.

    As its ``UnresolvedSelector``: a version number names one version; ``latest=true`` the newest
    of those the other fields select; a branch (or ``mainBranch``), a tag or an environment
    without ``latest`` every version on it (``one of the versions of ...``); and the
    pacticipant alone every version of it (``all_for_pacticipant?``: "any version of ...").
    """
    if selector.get("version"):
        return Mode.VERSION
    if selector.get("latest") == "true":
        return Mode.LATEST
    if selector.get("branch") or selector.get("mainBranch") == "true":
        return Mode.BRANCH
    if selector.get("tag"):
        return Mode.TAG
    if selector.get("environment"):
        return Mode.ENVIRONMENT
    return Mode.ANY


@dataclass(frozen=True)
class Side:
    """A pacticipant and the versions of it the question is about."""

    pacticipant: str
    versions: tuple[PacticipantVersion, ...]
    mode: Mode
    environment: str | None = None
    requested_number: str | None = None
    branch: str | None = None
    tag: str | None = None
    verified_only: bool = False
    """A side no selector named (the other pacticipants of a one-selector matrix query): as
    the official, its pacts appear only where the named side verified them (an inner join)."""

    def describe(self, version: PacticipantVersion | None) -> str:
        """Official wording for this side.

        E.g. ``the version of Bar currently in production (b-1)``.
        """
        name = self.pacticipant
        if self.verified_only and version is not None:
            # The official describes such a side by a row's version ("dummy" selectors).
            return f"version {version.number} of {name}"
        if self.mode is Mode.ENVIRONMENT:
            if version is None:
                return (
                    f"a version of {name} currently in {self.environment} (no version is "
                    "currently recorded as deployed/released in this environment)"
                )
            prefix = "one of the versions" if len(self.versions) > 1 else "the version"
            return f"{prefix} of {name} currently in {self.environment} ({version.number})"
        from_branch = f" from branch {self.branch}" if self.branch else ""
        if self.tag and self.mode in (Mode.LATEST, Mode.TAG):
            which = "the latest version" if self.mode is Mode.LATEST else "a version"
            found = version.number if version else "no such version exists"
            return f"{which} of {name} with tag {self.tag} ({found})"
        if self.mode is Mode.LATEST:
            if version is None:
                return f"the latest version of {name}{from_branch} (no such version exists)"
            return f"the latest version of {name}{from_branch} ({version.number})"
        if self.mode is Mode.BRANCH:
            if version is None:
                return f"a version of {name}{from_branch} (no such version exists)"
            prefix = "one of the versions" if len(self.versions) > 1 else "the version"
            return f"{prefix} of {name}{from_branch} ({version.number})"
        if self.mode is Mode.VERSION:
            number = version.number if version else self.requested_number
            if version is None and not self.versions:
                return f"version {number} of {name} (no such version exists)"
            return f"version {number} of {name}"
        return f"any version of {name}"


@dataclass(frozen=True)
class MatrixRow:
    """A consumer version's pact with a provider, and a provider version's result for it."""

    publication: Publication
    provider_version: PacticipantVersion | None
    verification: Verification | None
    consumer_side: Side
    provider_side: Side
    ignored: bool = False


@dataclass(frozen=True)
class Verdict:
    """The answer to can-i-deploy: rows, reasons (type, text) and the summary counts."""

    rows: tuple[MatrixRow, ...]
    reasons: tuple[tuple[str, str], ...]
    deployable: bool | None
    success: int
    failed: int
    unknown: int
    ignored: int = 0

    @property
    def reason(self) -> str:
        """All reason texts, one per line (the summary's ``reason``)."""
        return "\n".join(text for _, text in self.reasons)


def _latest_verification(
    verifications: Sequence[Verification], sha: str, provider: str, number: str | None
) -> Verification | None:
    matching = [
        v
        for v in verifications
        if v.pact_sha == sha
        and v.provider == provider
        and (number is None or v.provider_version.number == number)
    ]
    return max(matching, key=lambda v: (v.provider_version.order, v.id), default=None)


_MANY = (Mode.ANY, Mode.BRANCH, Mode.TAG)
"""Provider sides of many versions: a row per version that verified the pact, else one open row."""


def _rows_of_pact(
    publication: Publication,
    consumer_side: Side,
    provider_side: Side,
    verifications: Sequence[Verification],
) -> list[MatrixRow]:
    """The rows of one pact: it against each provider version of the provider side.

    As the official matrix (verifications of the selected provider versions, left-joined to
    the pacts): for a side of many versions (any, a branch, a tag) a row for each one that
    verified the pact; for chosen versions (one, the latest, those in an environment) a row for
    each, verified or not; and one open row when that leaves none.
    """
    provider, sha = provider_side.pacticipant, publication.pact_sha
    rows: list[tuple[PacticipantVersion, Verification | None]] = []
    if provider_side.mode in _MANY:
        candidates: Sequence[PacticipantVersion] = provider_side.versions
        if provider_side.mode is Mode.ANY:
            verifying = {
                v.provider_version.number: v.provider_version
                for v in verifications
                if v.pact_sha == sha and v.provider == provider
            }
            candidates = sorted(verifying.values(), key=lambda v: v.order)
        for version in candidates:
            found = _latest_verification(verifications, sha, provider, version.number)
            if found is not None:
                rows.append((version, found))
    else:
        rows = [
            (version, _latest_verification(verifications, sha, provider, version.number))
            for version in provider_side.versions
        ]
    if not rows:
        return [MatrixRow(publication, None, None, consumer_side, provider_side)]
    return [
        MatrixRow(publication, version, found, consumer_side, provider_side)
        for version, found in rows
    ]


def _rows_between(
    consumer_side: Side,
    provider_side: Side,
    publications: Sequence[Publication],
    verifications: Sequence[Verification],
) -> list[MatrixRow]:
    """Rows of the pacts the consumer side's versions published for the provider side."""
    numbers = {v.number for v in consumer_side.versions}
    rows: list[MatrixRow] = []
    for publication in publications:
        if (
            publication.consumer == consumer_side.pacticipant
            and publication.provider == provider_side.pacticipant
            and publication.consumer_version.number in numbers
        ):
            found = _rows_of_pact(publication, consumer_side, provider_side, verifications)
            if consumer_side.verified_only:
                found = [row for row in found if row.verification is not None]
            rows.extend(found)
    return rows


_GROUP_COLUMNS = {"cvpv": ("cv", "c", "p", "pv"), "cvp": ("cv", "c", "p"), "cp": ("c", "p")}


def latest_by(rows: Sequence[MatrixRow], grouping: str | None) -> list[MatrixRow]:
    """The matrix ``latestby`` option: the newest row of each group, as the official broker.

    ``cvpv``: per consumer version and provider version; ``cvp``: per consumer version and
    provider (the newest provider version); ``cp``: per consumer and provider. A group
    without any verified row keeps its open row. ``None`` (or another value): every row.
    """
    if grouping not in _GROUP_COLUMNS:
        return list(rows)
    columns = _GROUP_COLUMNS[grouping]

    def key(row: MatrixRow) -> tuple[str | None, ...]:
        version = row.provider_version.number if row.provider_version else None
        values = {
            "c": row.publication.consumer,
            "cv": row.publication.consumer_version.number,
            "p": row.publication.provider,
            "pv": version,
        }
        return tuple(values[column] for column in columns)

    groups: dict[tuple[str | None, ...], MatrixRow] = {}
    for row in rows:
        group, current = key(row), groups.get(key(row))
        if current is None or _newer(row, current):
            groups[group] = row
    return [row for row in rows if groups[key(row)] is row]


def _newer(row: MatrixRow, than: MatrixRow) -> bool:
    """Whether ``row`` is the newer of two rows of one group (verified beats open)."""
    if row.provider_version is None:
        return False
    if than.provider_version is None:
        return True
    return (row.provider_version.order, row.verification.id if row.verification else 0) > (
        than.provider_version.order,
        than.verification.id if than.verification else 0,
    )


def newest_rows(rows: Sequence[MatrixRow], limit: int | None) -> list[MatrixRow]:
    """The matrix ``limit``: the newest ``limit`` rows of the newest ``limit`` pacts, in order.

    ``None``: every row.

    As the official query: pacts newest first, then rows by their last action (the newer of
    the consumer and provider versions; version ids stand for creation order), the pact, and
    the verification. ``latestby`` applies after this, as there.
    """
    if limit is None:
        return list(rows)

    def pact(row: MatrixRow) -> tuple[str, int]:
        return row.publication.created_at, row.publication.consumer_version.order

    newest_pacts = set(sorted({pact(row) for row in rows}, reverse=True)[:limit])

    def last_action(row: MatrixRow) -> tuple[int, tuple[str, int], int]:
        provider_order = row.provider_version.order if row.provider_version else 0
        consumer_order = row.publication.consumer_version.order
        verification_id = row.verification.id if row.verification else 0
        return max(provider_order, consumer_order), pact(row), verification_id

    candidates = [i for i, row in enumerate(rows) if pact(row) in newest_pacts]
    kept = set(sorted(candidates, key=lambda i: last_action(rows[i]), reverse=True)[:limit])
    return [row for i, row in enumerate(rows) if i in kept]


def matrix_rows(
    specified: Side,
    others: Sequence[Side],
    publications: Sequence[Publication],
    verifications: Sequence[Verification],
) -> list[MatrixRow]:
    """Rows relating the specified versions to the versions of each other pacticipant."""
    rows: list[MatrixRow] = []
    for other in others:
        rows.extend(_rows_between(specified, other, publications, verifications))
        rows.extend(_rows_between(other, specified, publications, verifications))
    return rows


Ignored = frozenset[str | tuple[str, str]]
"""``--ignore``: a pacticipant name (every version) or a (name, version number) pair."""


def _ignoring(rows: Sequence[MatrixRow], specified: str, ignored: Ignored) -> list[MatrixRow]:
    """Rows whose other (not the specified) pacticipant or version is ignored, marked."""
    marked = []
    for row in rows:
        if row.consumer_side.pacticipant == specified:
            other, version = row.provider_side.pacticipant, row.provider_version
        else:
            other, version = row.consumer_side.pacticipant, row.publication.consumer_version
        hit = other in ignored or (version is not None and (other, version.number) in ignored)
        marked.append(replace(row, ignored=hit))
    return marked


def _describe_pair(row: MatrixRow) -> str:
    consumer = row.consumer_side.describe(row.publication.consumer_version)
    provider = row.provider_side.describe(row.provider_version)
    return f"the pact between {consumer} and {provider}"


def decide(
    specified: Side,
    others: Sequence[Side],
    publications: Sequence[Publication],
    verifications: Sequence[Verification],
    warn_no_environment: bool = False,
    ignored: Ignored = frozenset(),
    latestby: str | None = None,
    limit: int | None = None,
) -> Verdict:
    """The can-i-deploy verdict for the specified versions against the other sides.

    Rows with an ``ignored`` pacticipant (``--ignore``) are kept, marked, and do not count;
    ``limit`` caps the rows (:func:`newest_rows`), then ``latestby`` narrows them
    (:func:`latest_by`); the verdict is over what is left, as the official.
    """
    warnings: list[tuple[str, str]] = []
    # As the official: no warning when only the pacticipant is named (a matrix query).
    if specified.mode not in (Mode.VERSION, Mode.ANY) and specified.versions:
        warnings.append(
            (
                "warning",
                "WARN: It is recommended to specify the version number (rather than the tag or "
                "branch) of the pacticipant you wish to deploy to avoid race conditions. Without "
                "a version number, this result will not be reliable.",
            )
        )
    if warn_no_environment:
        warnings.append(
            (
                "warning",
                "WARN: It is recommended to specify the environment into which you are "
                "deploying. Without the environment, this result will not be reliable.",
            )
        )
    if not specified.versions and specified.mode is not Mode.ANY:
        text = (
            f"No pacts or verifications have been published for version "
            f"{specified.requested_number} of {specified.pacticipant}"
            if specified.requested_number
            else f"No pacts or verifications have been published for {specified.pacticipant}"
        )
        return Verdict((), (*warnings, ("error", text)), False, 0, 0, 0)
    rows = _ignoring(
        latest_by(
            newest_rows(matrix_rows(specified, others, publications, verifications), limit),
            latestby,
        ),
        specified.pacticipant,
        ignored,
    )
    counted = [r for r in rows if not r.ignored]
    failed = [r for r in counted if r.verification is not None and not r.verification.success]
    unverified = [r for r in counted if r.verification is None]
    errors = [("error", f"The verification for {_describe_pair(r)} failed") for r in failed]
    errors.extend(
        (
            "error",
            f"There is no verified pact between {_describe_pair(r)[len('the pact between ') :]}",
        )
        for r in unverified
    )
    errors = list(dict.fromkeys(errors))
    if errors:
        reasons = (*warnings, *errors)
    elif counted:
        reasons = (
            *warnings,
            ("success", "All required verification results are published and successful"),
        )
    else:
        reasons = (*warnings, ("success", "There are no missing dependencies"))
    deployable: bool | None = None if unverified else not failed
    return Verdict(
        rows=tuple(rows),
        reasons=reasons,
        deployable=deployable,
        success=len(counted) - len(failed) - len(unverified),
        failed=len(failed),
        unknown=len(unverified),
        ignored=len(rows) - len(counted),
    )
