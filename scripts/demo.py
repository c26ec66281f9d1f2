"""The whole contract story on a local Pact Broker, told step by step with timings.

Usage: python scripts/demo.py   (or `just demo`)

Consumer pact tests -> publish -> provider verification from the broker (results published)
-> can-i-deploy says yes -> both recorded as deployed to production -> a provider change
renames `name` to `username` (in a scratch copy) -> verification fails, naming the field
-> can-i-deploy for that provider version says no. Everything runs in a scratch workspace
(its own broker, database and pacts) that is removed at the end; the repository's files are
never touched. Exits 0 only if every step went as the story says.
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

from broker_process import running_broker
from git_revision import commit_version

ROOT = Path(__file__).resolve().parent.parent
MODELS = Path("user_service") / "models.py"
NAME_FIELD = 'name: str = Field(description="The user\'s display name.")'
RENAMED_FIELD = (
    'name: str = Field(serialization_alias="username", description="The user\'s display name.")'
)
EXPECTED_BREAK = "notification-service expects body.name (string) in 'a request for user 123'"


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


def pytest(
    scratch: Scratch, *args: str, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run pytest quietly with the scratch environment."""
    return run(
        scratch, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, extra=extra
    )


def release(
    scratch: Scratch, *args: str, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run one of the release verbs (publish, can-i-deploy, ...) against the scratch broker."""
    return run(scratch, sys.executable, "scripts/release.py", *args, extra=extra)


def indented(text: str, keep: Callable[[str], bool] = bool) -> str:
    """The lines worth showing, without the CLI's blank lines."""
    return "\n".join(line.rstrip() for line in text.splitlines() if keep(line.strip()))


def consumer_writes_the_pact(scratch: Scratch) -> str:
    """The consumer's Pact tests run its real adapter against the mock server."""
    result = pytest(scratch, "consumer/tests/pact")
    pact_files = sorted(scratch.pacts.glob("*.json"))
    if result.returncode != 0 or not pact_files:
        raise StepFailedError(f"the consumer's pact tests failed:\n{result.stdout[-3000:]}")
    return f"{result.stdout.strip().splitlines()[-1]}; wrote {pact_files[0].name}"


def consumer_publishes(scratch: Scratch) -> str:
    """`just publish`: the pact goes to the broker as the consumer's commit on its branch."""
    result = release(scratch, "publish", str(scratch.pacts))
    if result.returncode != 0:
        raise StepFailedError(f"publishing failed:\n{result.stdout}{result.stderr}")
    return indented(result.stdout, lambda line: line.startswith(("publishing", "✅", "Pact succ")))


def provider_verifies(scratch: Scratch) -> str:
    """`just verify` in broker mode, publishing the result as CI would."""
    result = pytest(scratch, "provider/tests/test_verify_pacts.py", "-s")
    if result.returncode != 0:
        raise StepFailedError(f"the provider failed verification:\n{result.stdout[-3000:]}")
    verified = [line for line in result.stdout.splitlines() if line.startswith("notification-")]
    return "\n".join(
        [
            f"pulled the pacts for verification from {scratch.broker_url}; all honoured:",
            *(f"  ok  {line}" for line in verified),
            f"result published for user-service {scratch.version}",
        ]
    )


def deploy_both(scratch: Scratch) -> str:
    """can-i-deploy, then record-deployment, for the provider and then the consumer."""
    said = []
    created = release(scratch, "create-environment", "production", "--production")
    if created.returncode != 0:
        raise StepFailedError(f"could not create the production environment:\n{created.stderr}")
    for pacticipant in ("user-service", "notification-service"):
        verdict = release(scratch, "can-i-deploy", pacticipant, "production")
        if verdict.returncode != 0 or "Computer says yes" not in verdict.stdout:
            raise StepFailedError(f"can-i-deploy {pacticipant} said no:\n{verdict.stdout}")
        said.append(f"can-i-deploy {pacticipant} {scratch.version[:12]} to production: yes")
        recorded = release(scratch, "record-deployment", pacticipant, "production")
        if recorded.returncode != 0:
            raise StepFailedError(f"record-deployment {pacticipant} failed:\n{recorded.stderr}")
        said.append(f"recorded: {pacticipant} deployed to production")
    return "\n".join(said)


def renamed_provider_fails(scratch: Scratch) -> str:
    """A scratch copy of the provider renames the field; verification must fail, naming it."""
    source = scratch.root / "renamed-provider" / "src"
    shutil.copytree(ROOT / "provider" / "src", source)
    models = source / MODELS
    text = models.read_text(encoding="utf-8")
    if NAME_FIELD not in text:
        raise StepFailedError(f"could not find the `name` field to rename in {MODELS}")
    models.write_text(text.replace(NAME_FIELD, RENAMED_FIELD), encoding="utf-8")
    # The scratch copy goes first on the path, so the verification serves the renamed app.
    result = pytest(
        scratch,
        "provider/tests/test_verify_pacts.py",
        extra={
            "PYTHONPATH": str(source),
            "PACT_PROVIDER_VERSION": scratch.renamed_version,
            "PACT_PROVIDER_BRANCH": "rename-name-to-username",
        },
    )
    if result.returncode == 0:
        raise StepFailedError(
            "verification PASSED against the renamed provider: the break was missed"
        )
    if EXPECTED_BREAK not in result.stdout:
        raise StepFailedError(
            f"verification failed, but not for the rename:\n{result.stdout[-3000:]}"
        )
    caught = [
        line.strip().removeprefix("E").strip()
        for line in result.stdout.splitlines()
        if "expects body." in line
    ]
    return "\n".join(
        [
            f"in a scratch copy, {MODELS} now serialises `name` as `username`",
            f"verification of user-service {scratch.renamed_version[:12]}... FAILED, as it must:",
            *(f"  {line}" for line in dict.fromkeys(caught)),
            "the failed result is published to the broker",
        ]
    )


def renamed_provider_cannot_deploy(scratch: Scratch) -> str:
    """can-i-deploy for the renamed provider version must say no, because of that failure."""
    verdict = release(
        scratch, "can-i-deploy", "user-service", "production", "--version", scratch.renamed_version
    )
    if verdict.returncode == 0:
        raise StepFailedError(f"can-i-deploy said yes to the renamed provider:\n{verdict.stdout}")
    if "Computer says no" not in verdict.stdout:
        raise StepFailedError(
            f"can-i-deploy failed for another reason:\n{verdict.stdout}{verdict.stderr}"
        )
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
        "Version = the git commit, branch = main; the official `pact broker publish` does it.",
        consumer_publishes,
    ),
    Step(
        "The provider verifies what its consumers need, from the broker",
        "user-service runs under uvicorn over SQLite; results go back to the broker.",
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
            said = step.run(scratch)
        except StepFailedError as error:
            print(f"\nFAILED at step {number} ({step.title}):\n{error}", file=sys.stderr)
            return 1
        print("\n".join(f"   {line}" for line in said.splitlines()))
        print(f"   ({time.perf_counter() - started:.1f}s)", flush=True)
    return 0


def main() -> int:
    """Set up the scratch workspace, tell the story, clean up whatever happened."""
    started = time.perf_counter()
    version = os.environ.get("PACT_CONSUMER_VERSION") or commit_version()
    with tempfile.TemporaryDirectory(prefix="contract-first-demo-") as folder:
        root = Path(folder)
        print(f"Scratch workspace {root}: its own Pact Broker, database and pacts.")
        try:
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
                }
                outcome = tell(scratch)
        except RuntimeError as error:
            print(f"\nFAILED before the story began: {error}", file=sys.stderr)
            return 1
    print(f"\nCleaned up the scratch workspace. Whole story: {time.perf_counter() - started:.1f}s")
    if outcome == 0:
        print("The break was caught before it shipped.")
    return outcome


if __name__ == "__main__":
    sys.exit(main())
