"""The whole contract story on a local Pact Broker, told step by step with timings.

Usage: python scripts/demo.py   (or `just demo`)

Consumer pact tests -> `contract-first publish` -> `contract-first verify` from the broker
(results published) -> can-i-deploy says yes -> both recorded as deployed to production -> a
provider change renames `name` to `username` (in a scratch copy) -> verification fails,
naming the field -> can-i-deploy for that provider version says no. Everything runs in a
scratch workspace (its own broker, database and pacts) that is removed at the end; the
repository's files are never touched. Exits 0 only if every step went as the story says.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from contract_first.errors import ContractFirstError
from contract_first.release.versions import commit_version
from local_pact_broker.background import running_broker

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_FIRST = Path(sys.executable).parent / "contract-first"
PROVIDER_SOURCE = ROOT / "provider" / "src"
MODELS = Path("user_service") / "models.py"
NAME_FIELD = 'name: str = Field(description="The user\'s display name.")'
RENAMED_FIELD = (
    'name: str = Field(serialization_alias="username", description="The user\'s display name.")'
)
BREAK_HEADLINE = "error: user-service breaks 1 of 2 interactions its consumers rely on:"
EXPECTED_BREAK = "expects body.name (string) in 'a request for user 123'"


class StepFailedError(Exception):
    """A step did not go as the story says; the message says what happened instead."""


@dataclass
class Scratch:
    """The demo's own workspace: a broker URL, a pacts folder, versions, and a temp folder."""

    root: Path
    broker_url: str
    version: str
    renamed_version: str
    environment: dict[str, str] = field(default_factory=dict)

    @property
    def pacts(self) -> Path:
        """Where the consumer tests write the pact for this run."""
        return self.root / "pacts"


def run(
    scratch: Scratch, *command: str, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command in the repository with the scratch environment, capturing its output."""
    return subprocess.run(
        list(command),
        cwd=ROOT,
        env={**scratch.environment, **(extra or {})},
        capture_output=True,
        text=True,
        check=False,
    )


def contract_first(
    scratch: Scratch, *args: str, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run one `contract-first` verb (publish, verify, can-i-deploy, ...) on the scratch broker."""
    return run(scratch, str(CONTRACT_FIRST), *args, extra=extra)


def said(result: subprocess.CompletedProcess[str]) -> str:
    """Everything a command printed, for the message when it did not go as told."""
    return "\n".join(part.strip() for part in (result.stdout, result.stderr) if part.strip())


def indented(text: str, keep: Callable[[str], bool] = bool) -> str:
    """The lines worth showing, without the CLI's blank lines."""
    return "\n".join(line.rstrip() for line in text.splitlines() if keep(line.strip()))


def consumer_writes_the_pact(scratch: Scratch) -> str:
    """The consumer's Pact tests run its real adapter against the mock server."""
    result = run(scratch, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                 "consumer/notifications/tests/pact")  # fmt: skip
    pact_files = sorted(scratch.pacts.glob("*.json"))
    if result.returncode != 0 or not pact_files:
        raise StepFailedError(f"the consumer's pact tests failed:\n{said(result)[-3000:]}")
    return f"{result.stdout.strip().splitlines()[-1]}; wrote {pact_files[0].name}"


def consumer_publishes(scratch: Scratch) -> str:
    """`contract-first publish`: the pact goes to the broker as the consumer's commit on main."""
    result = contract_first(scratch, "publish", str(scratch.pacts))
    if result.returncode != 0:
        raise StepFailedError(f"publishing failed:\n{said(result)}")
    return indented(result.stdout, lambda line: line.startswith(("publishing", "✅", "Pact succ")))


def provider_verifies(scratch: Scratch) -> str:
    """`contract-first verify` in broker mode, publishing the result as CI would."""
    result = contract_first(scratch, "verify")
    if result.returncode != 0:
        raise StepFailedError(f"the provider failed verification:\n{said(result)[-3000:]}")
    verified = [line.strip() for line in result.stdout.splitlines() if line.startswith("  ok ")]
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    if not verified or f"published as {scratch.version}" not in summary:
        raise StepFailedError(f"verification passed but did not say so as told:\n{said(result)}")
    return "\n".join(
        [
            f"pulled the pacts for verification from {scratch.broker_url}; all honoured:",
            *(f"  {line}" for line in verified),
            summary,
        ]
    )


def deploy_both(scratch: Scratch) -> str:
    """can-i-deploy, then record-deployment, for the provider and then the consumer."""
    lines = []
    created = contract_first(scratch, "create-environment", "production", "--production")
    if created.returncode != 0:
        raise StepFailedError(f"could not create the production environment:\n{said(created)}")
    for pacticipant in ("user-service", "notification-service"):
        verdict = contract_first(scratch, "can-i-deploy", pacticipant, "production")
        if verdict.returncode != 0 or "Computer says yes" not in verdict.stdout:
            raise StepFailedError(f"can-i-deploy {pacticipant} said no:\n{said(verdict)}")
        lines.append(f"can-i-deploy {pacticipant} {scratch.version[:12]} to production: yes")
        recorded = contract_first(scratch, "record-deployment", pacticipant, "production")
        if recorded.returncode != 0:
            raise StepFailedError(f"record-deployment {pacticipant} failed:\n{said(recorded)}")
        lines.append(f"recorded: {pacticipant} deployed to production")
    return "\n".join(lines)


def renamed_provider_fails(scratch: Scratch) -> str:
    """A scratch copy of the provider renames the field; verification must fail, naming it."""
    source = scratch.root / "renamed-provider" / "src"
    shutil.copytree(PROVIDER_SOURCE, source, ignore=shutil.ignore_patterns("__pycache__"))
    models = source / MODELS
    text = models.read_text(encoding="utf-8")
    if text.count(NAME_FIELD) != 1:
        raise StepFailedError(f"could not find the `name` field to rename in {MODELS}")
    models.write_text(text.replace(NAME_FIELD, RENAMED_FIELD), encoding="utf-8")
    # PYTHONPATH puts the scratch copy before the installed provider: verify serves the rename.
    inherited = scratch.environment.get("PYTHONPATH")
    result = contract_first(
        scratch,
        "verify",
        extra={
            "PYTHONPATH": os.pathsep.join(filter(None, (str(source), inherited))),
            "PACT_PROVIDER_VERSION": scratch.renamed_version,
            "PACT_PROVIDER_BRANCH": "rename-name-to-username",
        },
    )
    if result.returncode == 0:
        raise StepFailedError(
            "verification PASSED against the renamed provider: the break was missed\n"
            + said(result)
        )
    errors = result.stderr.splitlines()
    caught = [line.strip() for line in errors[1:] if line.startswith("  - ")]
    if result.returncode != 1 or errors[:1] != [BREAK_HEADLINE] or not caught:
        raise StepFailedError(f"verification failed, but not as a broken contract:\n{said(result)}")
    if not any(EXPECTED_BREAK in line for line in caught):
        raise StepFailedError(f"verification failed, but not for the rename:\n{said(result)}")
    published = f"published as {scratch.renamed_version}"
    if published not in result.stdout:
        raise StepFailedError(f"the failed result was not published:\n{said(result)}")
    return "\n".join(
        [
            f"in a scratch copy, {MODELS} now serialises `name` as `username`",
            f"verification of user-service {scratch.renamed_version[:12]}... FAILED, as it must:",
            f"  {errors[0]}",
            *(f"    {line}" for line in caught),
            "the failed result is published to the broker",
        ]
    )


def renamed_provider_cannot_deploy(scratch: Scratch) -> str:
    """can-i-deploy for the renamed provider version must say no, because of that failure."""
    verdict = contract_first(
        scratch, "can-i-deploy", "user-service", "production", "--version", scratch.renamed_version
    )
    if verdict.returncode == 0:
        raise StepFailedError(f"can-i-deploy said yes to the renamed provider:\n{said(verdict)}")
    if "Computer says no" not in verdict.stdout:
        raise StepFailedError(f"can-i-deploy failed for another reason:\n{said(verdict)}")
    reasons = [
        line
        for line in verdict.stdout.splitlines()
        if "failed" in line.lower() or "says no" in line
    ]
    return "\n".join(reasons)


@dataclass(frozen=True)
class Step:
    """One chapter of the story: a heading, what it shows, and how to run it."""

    title: str
    explanation: str
    run: Callable[[Scratch], str]


STEPS = (
    Step(
        "The consumer states what it needs, and writes the pact",
        "notification-service runs its real UserDirectory against the Pact mock server.",
        consumer_writes_the_pact,
    ),
    Step(
        "The consumer publishes the pact to the broker",
        "Version = the git commit, branch = main; `contract-first publish` runs the official CLI.",
        consumer_publishes,
    ),
    Step(
        "The provider verifies what its consumers need, from the broker",
        "`contract-first verify` serves user-service under uvicorn; results go to the broker.",
        provider_verifies,
    ),
    Step(
        "Release: can-i-deploy says yes, both go to production",
        "The broker's matrix: this provider version verified this consumer version.",
        deploy_both,
    ),
    Step(
        "A provider change renames `name` to `username`",
        "The consumer in production still reads `name`. Only the contract can say so.",
        renamed_provider_fails,
    ),
    Step(
        "Release of the renamed provider: can-i-deploy says no",
        "Its verification against the consumer in production failed.",
        renamed_provider_cannot_deploy,
    ),
)


def tell(scratch: Scratch) -> int:
    """Run the steps in order; stop at the first one that does not go as told."""
    for number, step in enumerate(STEPS, start=1):
        print(f"\n== {number}. {step.title}\n   {step.explanation}", flush=True)
        started = time.perf_counter()
        try:
            told = step.run(scratch)
        except StepFailedError as error:
            print(f"\nFAILED at step {number} ({step.title}):\n{error}", file=sys.stderr)
            return 1
        print("\n".join(f"   {line}" for line in told.splitlines()))
        print(f"   ({time.perf_counter() - started:.1f}s)", flush=True)
    return 0


def main() -> int:
    """Set up the scratch workspace, tell the story, clean up whatever happened."""
    started = time.perf_counter()
    if not CONTRACT_FIRST.is_file():
        print(f"FAILED before the story began: no {CONTRACT_FIRST} (`just sync`)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="contract-first-demo-") as folder:
        root = Path(folder)
        print(f"Scratch workspace {root}: its own Pact Broker, database and pacts.")
        try:
            version = os.environ.get("PACT_CONSUMER_VERSION") or commit_version(ROOT)
            with running_broker(root / "broker.sqlite3", root / "broker.log") as broker_url:
                print(f"Local Pact Broker up at {broker_url}")
                scratch = Scratch(root, broker_url, version, f"{version}+renamed-name")
                scratch.environment = {
                    **os.environ,
                    "PACT_DO_NOT_TRACK": "true",
                    "PACT_BROKER_BASE_URL": broker_url,
                    "PACT_DIR": str(scratch.pacts),
                    "PACT_CONSUMER_VERSION": version,
                    "PACT_CONSUMER_BRANCH": "main",
                    "PACT_PROVIDER_VERSION": version,
                    "PACT_PROVIDER_BRANCH": "main",
                    "PACT_PUBLISH_VERIFICATION_RESULTS": "true",
                    "CONTRACT_FIRST_CONFIG": str(ROOT / "pyproject.toml"),
                }
                outcome = tell(scratch)
        except (RuntimeError, ContractFirstError) as error:
            print(f"\nFAILED before the story began: {error}", file=sys.stderr)
            return 1
    print(f"\nCleaned up the scratch workspace. Whole story: {time.perf_counter() - started:.1f}s")
    if outcome == 0:
        print("The break was caught before it shipped.")
    return outcome


if __name__ == "__main__":
    sys.exit(main())
