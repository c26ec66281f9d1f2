"""Matrix rows and the can-i-deploy verdict, as pure functions over plain data.

A consumer version *requires* each of its providers (in the target environment) to have
verified its pact successfully; a provider version must have verified the pacts of the consumer
versions already in the target environment. Reasons and counts use the official wording because
``pact broker can-i-deploy`` prints them.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum

from local_pact_broker.domain.models import PacticipantVersion, Publication, Verification


class Mode(Enum):
    """How the versions of one side of the matrix were chosen."""

    VERSION = "version"
    ENVIRONMENT = "environment"
    LATEST = "latest"
    BRANCH = "branch"
    ANY = "any"


@dataclass(frozen=True)
class Side:
    """A pacticipant and the versions of it the question is about."""

    pacticipant: str
    versions: tuple[PacticipantVersion, ...]
    mode: Mode
    environment: str | None = None
    requested_number: str | None = None
    branch: str | None = None

    def describe(self, version: PacticipantVersion | None) -> str:
        """Official wording for this side.

        E.g. ``the version of Bar currently in production (b-1)``.
        """
        name = self.pacticipant
        if self.mode is Mode.ENVIRONMENT:
            if version is None:
                return (
                    f"a version of {name} currently in {self.environment} (no version is "
                    "currently recorded as deployed/released in this environment)"
                )
            prefix = "one of the versions" if len(self.versions) > 1 else "the version"
            return f"{prefix} of {name} currently in {self.environment} ({version.number})"
        from_branch = f" from branch {self.branch}" if self.branch else ""
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


def _rows_as_consumer(
    specified: Side,
    other: Side,
    publications: Sequence[Publication],
    verifications: Sequence[Verification],
) -> list[MatrixRow]:
    numbers = {v.number for v in specified.versions}
    rows: list[MatrixRow] = []
    for publication in publications:
        if (
            publication.consumer != specified.pacticipant
            or publication.provider != other.pacticipant
        ):
            continue
        if publication.consumer_version.number not in numbers:
            continue
        if other.mode is Mode.ANY:
            # Any version: a row for each one that verified this pact (``latestby`` narrows).
            versions = {
                v.provider_version.number: v.provider_version
                for v in verifications
                if v.pact_sha == publication.pact_sha and v.provider == other.pacticipant
            }
            if not versions:
                rows.append(MatrixRow(publication, None, None, specified, other))
            for version in sorted(versions.values(), key=lambda v: v.order):
                found = _latest_verification(
                    verifications, publication.pact_sha, other.pacticipant, version.number
                )
                rows.append(MatrixRow(publication, version, found, specified, other))
            continue
        if other.mode is Mode.BRANCH:
            # Any version of the branch: each one that verified this pact, else one open row.
            verified = [
                (provider_version, found)
                for provider_version in other.versions
                if (
                    found := _latest_verification(
                        verifications,
                        publication.pact_sha,
                        other.pacticipant,
                        provider_version.number,
                    )
                )
                is not None
            ]
            if not verified:
                rows.append(MatrixRow(publication, None, None, specified, other))
            for provider_version, found in verified:
                rows.append(MatrixRow(publication, provider_version, found, specified, other))
            continue
        if not other.versions:
            rows.append(MatrixRow(publication, None, None, specified, other))
        for provider_version in other.versions:
            found = _latest_verification(
                verifications, publication.pact_sha, other.pacticipant, provider_version.number
            )
            rows.append(MatrixRow(publication, provider_version, found, specified, other))
    return rows


def _rows_as_provider(
    specified: Side,
    other: Side,
    publications: Sequence[Publication],
    verifications: Sequence[Verification],
) -> list[MatrixRow]:
    if other.mode is Mode.ANY:
        return []
    numbers = {v.number for v in other.versions}
    rows: list[MatrixRow] = []
    for publication in publications:
        if (
            publication.consumer != other.pacticipant
            or publication.provider != specified.pacticipant
        ):
            continue
        if publication.consumer_version.number not in numbers:
            continue
        for provider_version in specified.versions:
            found = _latest_verification(
                verifications, publication.pact_sha, specified.pacticipant, provider_version.number
            )
            rows.append(MatrixRow(publication, provider_version, found, other, specified))
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


def matrix_rows(
    specified: Side,
    others: Sequence[Side],
    publications: Sequence[Publication],
    verifications: Sequence[Verification],
) -> list[MatrixRow]:
    """Rows relating the specified versions to the versions of each other pacticipant."""
    rows: list[MatrixRow] = []
    for other in others:
        rows.extend(_rows_as_consumer(specified, other, publications, verifications))
        rows.extend(_rows_as_provider(specified, other, publications, verifications))
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
) -> Verdict:
    """The can-i-deploy verdict for the specified versions against the other sides.

    Rows with an ``ignored`` pacticipant (``--ignore``) are kept, marked, and do not count;
    ``latestby`` narrows the rows first (see :func:`latest_by`).
    """
    warnings: list[tuple[str, str]] = []
    if specified.mode is not Mode.VERSION and specified.versions:
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
    if not specified.versions:
        text = (
            f"No pacts or verifications have been published for version "
            f"{specified.requested_number} of {specified.pacticipant}"
            if specified.requested_number
            else f"No pacts or verifications have been published for {specified.pacticipant}"
        )
        return Verdict((), (*warnings, ("error", text)), False, 0, 0, 0)
    rows = _ignoring(
        latest_by(matrix_rows(specified, others, publications, verifications), latestby),
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
