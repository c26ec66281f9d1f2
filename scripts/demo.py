"""The whole contract story on a local Pact Broker, told step by step with timings.

Usage: python scripts/demo.py   (or `just demo`)

Two consumers of user-service, notification-service and signup-service, write their pacts
-> `contract-first publish` sends both to the broker -> `contract-first verify` from the
broker honours both (results published) -> can-i-deploy says yes, the provider and both
consumers are recorded as deployed to production, and the provider's can-i-deploy now weighs
both consumers -> a provider change renames `name` to `username` (in a scratch copy) ->
verification fails, naming the field -> can-i-deploy for that provider version says no -> a
change only signup-service feels (a signup answered 200 instead of 201) -> verification fails
signup-service's interaction alone, notification-service's still pass -> can-i-deploy says
no because of signup-service, not notification-service -> the broker's dashboard lists both
integrations. Everything runs in a scratch workspace (its own broker, database and pacts)
that is removed at the end; the repository's files are never touched. Exits 0 only if every
step went as the story says.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from contract_first.errors import ContractFirstError
from contract_first.release.versions import commit_version
from local_pact_broker.background import running_broker

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_FIRST = Path(sys.executable).parent / "contract-first"
PROVIDER_SOURCE = ROOT / "provider" / "src"
PROVIDER = "user-service"
NOTIFICATIONS = "notification-service"
SIGNUP = "signup-service"
CONSUMERS = (NOTIFICATIONS, SIGNUP)
PACT_TESTS = ("consumer/notifications/tests/pact", "consumer/signup/tests/pact")

MODELS = Path("user_service") / "models.py"
NAME_FIELD = 'name: str = Field(description="The user\'s display name.")'
RENAMED_FIELD = (
    'name: str = Field(serialization_alias="username", description="The user\'s display name.")'
)
RENAME_BREAK = "expects body.name (string) in 'a request for user 123'"

USERS_ROUTES = Path("user_service") / "routes" / "users.py"
CREATED_STATUS = "    status_code=status.HTTP_201_CREATED,"
OK_STATUS = "    status_code=status.HTTP_200_OK,"
SIGNUP_INTERACTION = "a signup with a free email"
SIGNUP_BREAK = f"expects status 201 in '{SIGNUP_INTERACTION}'; {PROVIDER} returned 200"

HEADLINE = re.compile(rf"error: {PROVIDER} breaks \d+ of \d+ interactions its consumers rely on:")
# A row of `contract-first can-i-deploy`: "  CONSUMER VERSION -> PROVIDER VERSION: STATE".
VERDICT_ROW = re.compile(
    r"^\s*(?P<consumer>\S+?)(?: (?P<cver>\S+))? -> (?P<provider>\S+?)(?: (?P<pver>\S+))?: "
    r"(?P<state>verified|FAILED verification|not verified yet)$"
)
SUCCESS = {"verified": "true", "FAILED verification": "false", "not verified yet": "unknown"}
# The broker's dashboard marks each integration's row with data-integration="CONSUMER→PROVIDER".
DASHBOARD_ROW = re.compile(r'data-integration="([^"→]+)→([^"]+)"')


class StepFailedError(Exception):
    """A step did not go as the story says; the message says what happened instead."""


@dataclass
class Scratch:
    """The demo's own workspace: a broker URL, a pacts folder, versions, and a temp folder."""

    root: Path
    broker_url: str
    version: str
    environment: dict[str, str] = field(default_factory=dict)

    @property
    def pacts(self) -> Path:
        """Where both consumers' tests write their pacts for this run."""
        return self.root / "pacts"

    @property
    def renamed_version(self) -> str:
        """The provider version that renames `name` (it breaks both consumers)."""
        return f"{self.version}+renamed-name"

    @property
    def signup_break_version(self) -> str:
        """The provider version that answers a signup with 200 (only signup-service cares)."""
        return f"{self.version}+signup-200"


@dataclass(frozen=True)
class Verification:
    """What `contract-first verify` said, line by line: which interactions held, which broke."""

    exit_code: int
    ok: list[str]
    failed: list[str]
    headline: str
    caught: list[str]
    summary: str
    said: str


def about(consumer: str, lines: list[str]) -> list[str]:
    """The lines (verify's `ok`, `FAILED` or caught lines) about one consumer's interactions."""
    return [line for line in lines if line.split(" ", 1)[0] == consumer]


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


def verify(scratch: Scratch, extra: dict[str, str] | None = None) -> Verification:
    """`contract-first verify` from the broker, its output split into what held and what broke."""
    result = contract_first(scratch, "verify", extra=extra)
    lines = result.stdout.splitlines()
    errors = result.stderr.splitlines()
    return Verification(
        exit_code=result.returncode,
        ok=[line.removeprefix("  ok ").strip() for line in lines if line.startswith("  ok ")],
        failed=[
            line.removeprefix("  FAILED ").strip() for line in lines if line.startswith("  FAILED ")
        ],
        headline=errors[0] if errors else "",
        caught=[line.strip().removeprefix("- ") for line in errors[1:] if line.startswith("  - ")],
        summary=lines[-1] if lines else "",
        said=said(result),
    )


def changed_provider(scratch: Scratch, name: str, file: Path, anchor: str, change: str) -> Path:
    """A scratch copy of the provider's source with one line of `file` changed; its src folder."""
    source = scratch.root / name / "src"
    shutil.copytree(PROVIDER_SOURCE, source, ignore=shutil.ignore_patterns("__pycache__"))
    target = source / file
    text = target.read_text(encoding="utf-8")
    if text.count(anchor) != 1:
        raise StepFailedError(f"could not find exactly one {anchor.strip()!r} in {file}")
    target.write_text(text.replace(anchor, change), encoding="utf-8")
    return source


def verify_changed(scratch: Scratch, source: Path, version: str, branch: str) -> Verification:
    """Verify the changed copy as provider `version` on `branch`: it must fail, as broken."""
    # PYTHONPATH puts the scratch copy before the installed provider: verify serves the change.
    inherited = scratch.environment.get("PYTHONPATH")
    outcome = verify(
        scratch,
        extra={
            "PYTHONPATH": os.pathsep.join(filter(None, (str(source), inherited))),
            "PACT_PROVIDER_VERSION": version,
            "PACT_PROVIDER_BRANCH": branch,
        },
    )
    if outcome.exit_code == 0:
        raise StepFailedError(
            "verification PASSED against the changed provider: the break was missed\n"
            + outcome.said
        )
    if outcome.exit_code != 1 or not HEADLINE.fullmatch(outcome.headline) or not outcome.caught:
        raise StepFailedError(f"verification failed, but not as a broken contract:\n{outcome.said}")
    if f"published as {version}" not in outcome.summary:
        raise StepFailedError(f"the failed result was not published:\n{outcome.said}")
    return outcome


def can_i_deploy(scratch: Scratch, pacticipant: str, *version: str) -> tuple[bool, str]:
    """The verdict and its rows: (whether it said yes, what it printed, verdict last)."""
    verdict = contract_first(scratch, "can-i-deploy", pacticipant, "production", *version)
    printed = said(verdict)
    if verdict.returncode == 0 and "\nyes: " in f"\n{verdict.stdout}":
        return True, printed
    if verdict.returncode == 1 and verdict.stderr.startswith("error: no: "):
        return False, printed
    raise StepFailedError(f"can-i-deploy {pacticipant} failed for another reason:\n{printed}")


def verdict_line(table: str) -> str:
    """The verdict's one line: "yes: ..." or "error: no: ..."."""
    return next(line.strip() for line in table.splitlines() if line.startswith(("yes:", "error:")))


def table_rows(table: str) -> dict[str, list[str]]:
    """can-i-deploy's rows by consumer: consumer, its version, provider, its version, success."""
    rows = {}
    for line in table.splitlines():
        row = VERDICT_ROW.match(line)
        if row and row["consumer"] in CONSUMERS and row["provider"] == PROVIDER:
            cells = [row["consumer"], row["cver"] or "", row["provider"], row["pver"] or ""]
            rows[row["consumer"]] = [*cells, SUCCESS[row["state"]]]
    return rows


def consumers_write_the_pacts(scratch: Scratch) -> str:
    """Both consumers' Pact tests run their real adapters against the mock server."""
    result = run(scratch, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                 *PACT_TESTS)  # fmt: skip
    if result.returncode != 0:
        raise StepFailedError(f"the consumers' pact tests failed:\n{said(result)[-3000:]}")
    lines = [result.stdout.strip().splitlines()[-1]]
    for consumer in CONSUMERS:
        pact_file = scratch.pacts / f"{consumer}-{PROVIDER}.json"
        if not pact_file.is_file():
            raise StepFailedError(f"the pact tests passed but wrote no {pact_file.name}")
        interactions = json.loads(pact_file.read_text(encoding="utf-8"))["interactions"]
        lines.append(f"wrote {pact_file.name}: {len(interactions)} interactions")
    return "\n".join(lines)


def consumers_publish(scratch: Scratch) -> str:
    """`contract-first publish`: every pact in the folder, each as its consumer's commit on main."""
    result = contract_first(scratch, "publish", str(scratch.pacts))
    if result.returncode != 0:
        raise StepFailedError(f"publishing failed:\n{said(result)}")
    for consumer in CONSUMERS:
        if f"published for {consumer} version {scratch.version}" not in result.stdout:
            raise StepFailedError(f"publishing did not say {consumer}'s pact went:\n{said(result)}")
    return indented(result.stdout, lambda line: line.startswith(("publishing", "✅", "Pact succ")))


def provider_verifies(scratch: Scratch) -> str:
    """`contract-first verify` in broker mode, publishing the result as CI would."""
    outcome = verify(scratch)
    if outcome.exit_code != 0:
        raise StepFailedError(f"the provider failed verification:\n{outcome.said[-3000:]}")
    silent = [consumer for consumer in CONSUMERS if not about(consumer, outcome.ok)]
    if silent or f"published as {scratch.version}" not in outcome.summary:
        raise StepFailedError(f"verification passed but did not say so as told:\n{outcome.said}")
    return "\n".join(
        [
            f"pulled the pacts for verification from {scratch.broker_url}; all honoured:",
            *(f"  ok {line}" for line in outcome.ok),
            outcome.summary,
        ]
    )


def release(scratch: Scratch, pacticipant: str) -> str:
    """can-i-deploy this version to production; if yes, record that it was deployed."""
    yes, table = can_i_deploy(scratch, pacticipant)
    if not yes:
        raise StepFailedError(f"can-i-deploy {pacticipant} said no:\n{table}")
    recorded = contract_first(scratch, "record-deployment", pacticipant, "production")
    if recorded.returncode != 0:
        raise StepFailedError(f"record-deployment {pacticipant} failed:\n{said(recorded)}")
    return (
        f"can-i-deploy {pacticipant} {scratch.version[:12]}: yes; recorded deployed to production"
    )


def deploy_all(scratch: Scratch) -> str:
    """The provider goes first, then both consumers (side by side); then the provider asks again."""
    created = contract_first(scratch, "create-environment", "production", "--production")
    if created.returncode != 0:
        raise StepFailedError(f"could not create the production environment:\n{said(created)}")
    lines = [release(scratch, PROVIDER)]
    # Each consumer's release needs only the provider in production, not the other consumer.
    with ThreadPoolExecutor(max_workers=len(CONSUMERS)) as pool:
        lines += pool.map(lambda consumer: release(scratch, consumer), CONSUMERS)
    yes, table = can_i_deploy(scratch, PROVIDER)
    rows = table_rows(table)
    if not yes or sorted(rows) != sorted(CONSUMERS):
        raise StepFailedError(
            f"can-i-deploy {PROVIDER} with both consumers deployed did not weigh both:\n{table}"
        )
    lines.append(f"can-i-deploy {PROVIDER} again, now that both consumers are in production:")
    lines += [
        f"  {consumer} {row[1][:12]} verified by {PROVIDER} {row[3][:12]}: success {row[4]}"
        for consumer, row in sorted(rows.items())
    ]
    lines.append("  " + verdict_line(table))
    return "\n".join(lines)


def renamed_provider_fails(scratch: Scratch) -> str:
    """A scratch copy of the provider renames the field; verification must fail, naming it."""
    source = changed_provider(scratch, "renamed-provider", MODELS, NAME_FIELD, RENAMED_FIELD)
    outcome = verify_changed(scratch, source, scratch.renamed_version, "rename-name-to-username")
    if not any(RENAME_BREAK in line for line in about(NOTIFICATIONS, outcome.caught)):
        raise StepFailedError(f"verification failed, but not for the rename:\n{outcome.said}")
    if not about(SIGNUP, outcome.caught):
        raise StepFailedError(f"the rename should break signup-service too:\n{outcome.said}")
    return "\n".join(
        [
            f"in a scratch copy, {MODELS} now serialises `name` as `username`",
            f"verification of {PROVIDER} {scratch.renamed_version[:12]}... FAILED, as it must:",
            f"  {outcome.headline}",
            *(f"    - {line}" for line in outcome.caught),
            "the failed result is published to the broker",
        ]
    )


def renamed_provider_cannot_deploy(scratch: Scratch) -> str:
    """can-i-deploy for the renamed provider version must say no, because of that failure."""
    yes, table = can_i_deploy(scratch, PROVIDER, "--version", scratch.renamed_version)
    if yes:
        raise StepFailedError(f"can-i-deploy said yes to the renamed provider:\n{table}")
    return "\n".join(
        line.strip() for line in table.splitlines() if "failed" in line.lower() or "says no" in line
    )


def signup_break_fails_only_signup(scratch: Scratch) -> str:
    """A change only signup-service relies on: its interaction fails, notification's still pass."""
    source = changed_provider(
        scratch, "signup-200-provider", USERS_ROUTES, CREATED_STATUS, OK_STATUS
    )
    outcome = verify_changed(scratch, source, scratch.signup_break_version, "signup-answers-200")
    failed_consumers = {line.split(" ", 1)[0] for line in outcome.failed}
    if failed_consumers != {SIGNUP} or len(outcome.caught) != 1:
        raise StepFailedError(f"verification should fail signup-service alone:\n{outcome.said}")
    caught = outcome.caught[0]
    if not (caught.startswith(SIGNUP) and caught.endswith(SIGNUP_BREAK)):
        raise StepFailedError(f"verification failed, but not for the status:\n{outcome.said}")
    if not about(NOTIFICATIONS, outcome.ok):
        raise StepFailedError(f"notification-service's interactions should pass:\n{outcome.said}")
    return "\n".join(
        [
            f"in a scratch copy, {USERS_ROUTES} now answers POST /users with 200, not 201",
            f"verification of {PROVIDER} {scratch.version[:12]}... FAILED, as it must:",
            f"  {outcome.headline}",
            f"    - {caught}",
            *(
                f"  {consumer}: {len(about(consumer, outcome.ok))} interactions honoured, "
                f"{len(about(consumer, outcome.failed))} failed"
                for consumer in CONSUMERS
            ),
            "the failed result is published to the broker",
        ]
    )


def signup_break_cannot_deploy(scratch: Scratch) -> str:
    """can-i-deploy for that version says no, and the reason is signup-service alone."""
    yes, table = can_i_deploy(scratch, PROVIDER, "--version", scratch.signup_break_version)
    if yes:
        raise StepFailedError(
            f"can-i-deploy said yes to the provider signup-service breaks:\n{table}"
        )
    reasons = [
        line
        for line in table.splitlines()
        if "failed" in line.lower() and not line.startswith("error: no:")
    ]
    rows = table_rows(table)
    if (
        not any(SIGNUP in line for line in reasons)
        or any(NOTIFICATIONS in line for line in reasons)
        or rows.get(SIGNUP, [""] * 5)[4] != "false"
        or rows.get(NOTIFICATIONS, [""] * 5)[4] != "true"
    ):
        raise StepFailedError(f"can-i-deploy said no, but not because of signup-service:\n{table}")
    return "\n".join(
        [
            *(f"{consumer} in production: success {rows[consumer][4]}" for consumer in CONSUMERS),
            *reasons,
            verdict_line(table),
        ]
    )


def dashboard_lists_both(scratch: Scratch) -> str:
    """The broker's dashboard, as a browser asks for it: both integrations are on it."""
    # The broker is on loopback: never ask it through a proxy from the environment.
    answer = httpx.get(
        f"{scratch.broker_url}/", headers={"Accept": "text/html"}, timeout=10, trust_env=False
    )
    page = answer.text
    if answer.status_code != 200 or not answer.headers.get("content-type", "").startswith(
        "text/html"
    ):
        raise StepFailedError(f"the dashboard answered {answer.status_code}:\n{page[:2000]}")
    integrations = [
        f"{consumer} → {provider}" for consumer, provider in DASHBOARD_ROW.findall(page)
    ]
    wanted = [f"{consumer} → {PROVIDER}" for consumer in CONSUMERS]
    if sorted(integrations) != wanted:
        raise StepFailedError(
            f"the dashboard lists {integrations or 'no integrations'}, not {wanted}"
        )
    return (
        f"{scratch.broker_url}/ lists {len(integrations)} integrations: {', '.join(integrations)}"
    )


@dataclass(frozen=True)
class Step:
    """One chapter of the story: a heading, what it shows, and how to run it."""

    title: str
    explanation: str
    run: Callable[[Scratch], str]


STEPS = (
    Step(
        "The consumers state what they need, and write the pacts",
        "notification-service's UserDirectory and signup-service's Registrar run against the"
        " Pact mock server.",
        consumers_write_the_pacts,
    ),
    Step(
        "The consumers publish their pacts to the broker",
        "Version = the git commit, branch = main; `contract-first publish` runs the official CLI.",
        consumers_publish,
    ),
    Step(
        "The provider verifies what its consumers need, from the broker",
        "`contract-first verify` serves user-service under uvicorn; results go to the broker.",
        provider_verifies,
    ),
    Step(
        "Release: can-i-deploy says yes, all three go to production",
        "The broker's matrix: this provider version verified both consumers' pacts.",
        deploy_all,
    ),
    Step(
        "A provider change renames `name` to `username`",
        "Both consumers in production still read `name`. Only the contract can say so.",
        renamed_provider_fails,
    ),
    Step(
        "Release of the renamed provider: can-i-deploy says no",
        "Its verification against the consumers in production failed.",
        renamed_provider_cannot_deploy,
    ),
    Step(
        "A provider change answers a signup with 200 instead of 201",
        "Only signup-service relies on the 201; notification-service never signs anyone up.",
        signup_break_fails_only_signup,
    ),
    Step(
        "Release of that provider: can-i-deploy says no, because of signup-service",
        "notification-service's pact still holds; signup-service's does not.",
        signup_break_cannot_deploy,
    ),
    Step(
        "The broker's dashboard shows both integrations",
        "What people see at the broker's front page (GET / with Accept: text/html).",
        dashboard_lists_both,
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
                scratch = Scratch(root, broker_url, version)
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
        except (RuntimeError, ContractFirstError, OSError) as error:
            print(f"\nFAILED before the story began: {error}", file=sys.stderr)
            return 1
    print(f"\nCleaned up the scratch workspace. Whole story: {time.perf_counter() - started:.1f}s")
    if outcome == 0:
        print("Both breaks were caught before they shipped, each blamed on the consumer it hurts.")
    return outcome


if __name__ == "__main__":
    sys.exit(main())
