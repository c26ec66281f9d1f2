"""can-i-deploy's answer, read from the official CLI's JSON and said as rows and one verdict.

The CLI's own text ends every "no" with two marked lines (``❌ Computer says no`` and ``❌ No
deployable version found``) and no hint of what to do; its JSON has everything needed to say
it once, with the next step.
"""

import json
from dataclasses import dataclass
from typing import Any

from contract_first.release.verb_hints import command_line, verb

WAIT_FLAGS = "--retry-while-unknown 12 --retry-interval 10"


@dataclass(frozen=True)
class MatrixRow:
    """One integration the answer rests on."""

    consumer: str
    consumer_version: str | None
    provider: str
    provider_version: str | None
    success: bool | None

    def describe(self) -> str:
        """``  notification-service c1 -> user-service 9f2c: verified`` (no version: none yet)."""
        consumer = " ".join(filter(None, (self.consumer, self.consumer_version)))
        provider = " ".join(filter(None, (self.provider, self.provider_version)))
        state = {True: "verified", False: "FAILED verification", None: "not verified yet"}
        return f"  {consumer} -> {provider}: {state[self.success]}"


@dataclass(frozen=True)
class DeployVerdict:
    """The broker's answer for one pacticipant version and environment."""

    deployable: bool
    reason: str
    rows: tuple[MatrixRow, ...]
    notices: tuple[str, ...]
    failed: int
    unknown: int


def _version(side: dict[str, Any]) -> str | None:
    version = side.get("version")
    return str(version["number"]) if isinstance(version, dict) and "number" in version else None


def _row(item: dict[str, Any]) -> MatrixRow:
    consumer, provider = item.get("consumer") or {}, item.get("provider") or {}
    result = item.get("verificationResult")
    success = result.get("success") if isinstance(result, dict) else None
    return MatrixRow(
        consumer=str(consumer.get("name", "?")),
        consumer_version=_version(consumer),
        provider=str(provider.get("name", "?")),
        provider_version=_version(provider),
        success=success if isinstance(success, bool) else None,
    )


def parse_verdict(output: str) -> DeployVerdict | None:
    """The verdict in the CLI's ``--output json``; ``None`` when the output is an error instead."""
    start = output.find("{")
    if start < 0:
        return None
    try:
        document = json.loads(output[start:])
    except ValueError:
        return None
    summary = document.get("summary") if isinstance(document, dict) else None
    if not isinstance(summary, dict):
        return None
    notices = tuple(
        str(notice["text"])
        for notice in document.get("notices") or []
        if isinstance(notice, dict) and notice.get("text")
    )
    return DeployVerdict(
        deployable=summary.get("deployable") is True,
        reason=str(summary.get("reason") or "the broker gave no reason"),
        rows=tuple(_row(item) for item in document.get("matrix") or [] if isinstance(item, dict)),
        notices=notices,
        failed=int(summary.get("failed") or 0),
        unknown=int(summary.get("unknown") or 0),
    )


def _others(verdict: DeployVerdict, pacticipant: str, success: bool | None) -> str:
    names = {
        row.provider if row.consumer == pacticipant else row.consumer
        for row in verdict.rows
        if row.success is success
    }
    return ", ".join(sorted(names))


def why_not(verdict: DeployVerdict, pacticipant: str) -> str:
    """The reason for a "no" in a few words (the broker's full reasons are printed above it)."""
    failed = [row for row in verdict.rows if row.success is False]
    fails_whose = sorted({row.consumer for row in failed if row.provider == pacticipant})
    failed_by = sorted({row.provider for row in failed if row.consumer == pacticipant})
    if fails_whose:
        return f"it fails the pacts of {', '.join(fails_whose)}"
    if failed_by:
        return f"its pact fails verification by {', '.join(failed_by)}"
    reasons = [line.strip() for line in verdict.reason.splitlines() if line.strip()]
    unverified = _others(verdict, pacticipant, None)
    if len(reasons) != 1 and unverified:
        return f"its pacts with {unverified} are not verified yet"
    return "; ".join(reason.rstrip(".") for reason in reasons)


NOTHING_DEPLOYED = "no version is currently recorded as deployed"


def next_step(verdict: DeployVerdict, pacticipant: str, environment: str) -> str:
    """What to do about a "no", from the rows the answer rests on and the broker's reasons."""
    if NOTHING_DEPLOYED in verdict.reason:
        missing = [
            row.provider if row.consumer == pacticipant else row.consumer
            for row in verdict.rows
            if row.success is None
        ]
        if missing:
            return (
                f"deploy {missing[0]} to {environment} first and record it "
                f"({verb('record-deployment', missing[0], environment)})"
            )
    failed_providers = sorted({row.provider for row in verdict.rows if row.success is False})
    if failed_providers == [pacticipant]:
        return f"run {verb('verify')} to see what breaks"
    if failed_providers:
        return f"run {verb('verify')} in {', '.join(failed_providers)} to see what breaks"
    if verdict.unknown:
        return (
            f"a verification has not run yet: wait for it with {WAIT_FLAGS}, or run it "
            f"(`CI=true {command_line('verify')}` in the provider)"
        )
    return "see the rows above"
