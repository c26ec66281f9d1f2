"""Before any test runs: the consumers' pacts exist, so a fresh clone's first ``pytest`` works.

The provider's tests, verification and the catch matrix read ``pacts/``, which only the
consumers' Pact tests write (``just pact``; ``just test`` runs it first). When a run starts
without them, they are written once here, by those same Pact tests, before any test (or any
pytest-xdist worker) starts; if they cannot be written, the run stops with one line saying
why, instead of every test that reads a pact failing on its own.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
PROVIDER = "user-service"
# Each consumer's Pact tests, and the pact they write (named as pact-python names it).
PACT_TESTS = {
    "notification-service": "consumer/notifications/tests/pact",
    "signup-service": "consumer/signup/tests/pact",
}
# Set for the inner run, whose own tests write the pacts: it must not try to write them too.
WRITING_PACTS = "CONTRACT_FIRST_WRITING_PACTS"


def pact_directory() -> Path:
    """Where the pacts are read from and written to: ``$PACT_DIR``, else ``pacts/``."""
    return Path(os.environ.get("PACT_DIR", ROOT / "pacts"))


def missing_pacts() -> list[str]:
    """The consumers whose pact is not in the pact directory."""
    folder = pact_directory()
    return [
        consumer
        for consumer in PACT_TESTS
        if not (folder / f"{consumer}-{PROVIDER}.json").is_file()
    ]


def only_pact_tests(config: pytest.Config) -> bool:
    """Whether this run is the consumers' Pact tests alone (`just pact`): they write the pacts."""
    here = config.invocation_params.dir
    asked = [(here / argument.split("::")[0]).resolve() for argument in config.args]
    folders = [ROOT / folder for folder in PACT_TESTS.values()]
    return bool(asked) and all(
        any(path == folder or folder in path.parents for folder in folders) for path in asked
    )


def pytest_sessionstart(session: pytest.Session) -> None:
    """Write the missing pacts with the consumers' own Pact tests, or stop in one line."""
    if os.environ.get(WRITING_PACTS) or hasattr(session.config, "workerinput"):
        return  # the inner run itself, or an xdist worker (the controller has done this)
    if only_pact_tests(session.config):
        return
    missing = missing_pacts()
    if not missing:
        return
    shown = ", ".join(missing)
    print(f"\nno pact yet for {shown} in {pact_directory()}: writing them (`just pact`) ...")
    pact_tests = [PACT_TESTS[consumer] for consumer in missing]
    written = subprocess.run(  # noqa: S603 - our interpreter, our test folders
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *pact_tests],
        cwd=ROOT,
        env={**os.environ, WRITING_PACTS: "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    still_missing = missing_pacts()
    if written.returncode != 0 or still_missing:
        last = (written.stdout.strip().splitlines() or ["(it printed nothing)"])[-1]
        pytest.exit(
            f"the consumers' Pact tests did not write the pacts for {shown} ({last}): run "
            "`just pact` to see why",
            returncode=1,
        )
