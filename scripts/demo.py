"""The contract loop, told step by step: what each side does and what catches the break.

Usage: python scripts/demo.py   (or `just demo`)
Exits 0 only if every step went as the story says, including the break being caught.
The rename happens in a scratch copy of the provider; the repository's files stay untouched.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACT_FILE = ROOT / "pacts" / "notification-service-user-service.json"
MODELS = Path("user_service") / "models.py"
NAME_FIELD = 'name: str = Field(description="The user\'s display name.")'
RENAMED_FIELD = (
    'name: str = Field(serialization_alias="username", description="The user\'s display name.")'
)
EXPECTED_BREAK = "notification-service expects body.name (string) in 'a request for user 123'"


class StepFailedError(Exception):
    """A step did not go as the story says; the message says what happened instead."""


@dataclass(frozen=True)
class Step:
    """One chapter of the story: a heading, what it shows, and how to run it."""

    title: str
    explanation: str
    run: Callable[[], str]


def pytest(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run pytest quietly in the workspace, capturing what it says."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def check_spec_and_client() -> str:
    """Step 1: the drift check passes on the committed spec and client."""
    result = subprocess.run(
        [sys.executable, "scripts/check_drift.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise StepFailedError(f"the spec or client is stale:\n{result.stderr[-2000:]}")
    return result.stdout.strip()


def consumer_writes_the_pact() -> str:
    """Step 2: the consumer's Pact tests pass and write the pact."""
    result = pytest("consumer/tests/pact")
    if result.returncode != 0 or not PACT_FILE.is_file():
        raise StepFailedError(f"the consumer's pact tests failed:\n{result.stdout[-3000:]}")
    pact = json.loads(PACT_FILE.read_text(encoding="utf-8"))
    lines = [f"wrote {PACT_FILE.relative_to(ROOT)} with {len(pact['interactions'])} interactions:"]
    for interaction in pact["interactions"]:
        states = ", ".join(s["name"] for s in interaction.get("providerStates", []))
        request, response = interaction["request"], interaction["response"]
        lines.append(
            f"  - {interaction['description']!r} given {states!r}: "
            f"{request['method']} {request['path']} -> {response['status']}"
        )
    return "\n".join(lines)


def provider_verifies_the_pact() -> str:
    """Step 3: the real provider honours the pact."""
    result = pytest("provider/tests/test_verify_pacts.py", "-s")
    if result.returncode != 0:
        raise StepFailedError(f"the provider failed verification:\n{result.stdout[-3000:]}")
    verified = [
        line for line in result.stdout.splitlines() if line.startswith("notification-service")
    ]
    return "\n".join(["user-service honours every interaction:", *(f"  ok  {v}" for v in verified)])


def renamed_provider_is_caught() -> str:
    """Step 4: a scratch copy with `name` renamed fails verification, naming the field."""
    with tempfile.TemporaryDirectory(prefix="renamed-provider-") as scratch:
        source = Path(scratch) / "src"
        shutil.copytree(ROOT / "provider" / "src", source)
        models = source / MODELS
        text = models.read_text(encoding="utf-8")
        if NAME_FIELD not in text:
            raise StepFailedError(f"could not find the `name` field to rename in {MODELS}")
        models.write_text(text.replace(NAME_FIELD, RENAMED_FIELD), encoding="utf-8")
        # The scratch copy goes first on the path, so the verification serves the renamed app.
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(source), os.environ.get("PYTHONPATH", "")]),
        }
        result = pytest("provider/tests/test_verify_pacts.py", env=env)
    if result.returncode == 0:
        raise StepFailedError(
            "verification PASSED against the renamed provider: the break was missed"
        )
    if EXPECTED_BREAK not in result.stdout:
        raise StepFailedError(
            f"verification failed, but not for the rename:\n{result.stdout[-3000:]}"
        )
    caught = [line.strip() for line in result.stdout.splitlines() if "expects body." in line]
    return "\n".join(
        [
            f"in a scratch copy, {MODELS} now serialises `name` as `username`.",
            "verification FAILED, as it must:",
            *(f"  {line.removeprefix('E').strip()}" for line in dict.fromkeys(caught)),
        ]
    )


STEPS = (
    Step(
        "The spec and the typed client are current",
        "openapi/openapi.json comes from the FastAPI app; generated_client/ from that.",
        check_spec_and_client,
    ),
    Step(
        "The consumer states what it needs, and writes the pact",
        "notification-service runs its real UserDirectory against the Pact mock server.",
        consumer_writes_the_pact,
    ),
    Step(
        "The provider verifies the pact against the real app",
        "user-service runs under uvicorn over SQLite; states are set through its repository.",
        provider_verifies_the_pact,
    ),
    Step(
        "A provider change renames `name` to `username`",
        "The consumer still reads `name`. Only the contract can tell the provider that.",
        renamed_provider_is_caught,
    ),
)


def main() -> int:
    """Tell the story; stop at the first step that does not go as told."""
    started = time.perf_counter()
    for number, step in enumerate(STEPS, start=1):
        print(f"\n== {number}. {step.title}\n   {step.explanation}", flush=True)
        step_started = time.perf_counter()
        try:
            said = step.run()
        except StepFailedError as error:
            print(f"\nFAILED at step {number} ({step.title}):\n{error}", file=sys.stderr)
            return 1
        print("\n".join(f"   {line}" for line in said.splitlines()))
        print(f"   ({time.perf_counter() - step_started:.1f}s)")
    total = time.perf_counter() - started
    print(f"\nThe break was caught before it shipped. Whole story: {total:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
