"""What every consumer's Pact tests share: the spec their matchers come from, and pact files.

Each consumer's ``tests/pact/conftest.py`` says only who the pact is between
(``pact_between``); the pact is written fresh on every run, and a test's interactions reach
the file only when that test passed.
"""

import os
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from pact import Pact

from contract_first.contracts import OpenApiContract

ROOT = Path(__file__).resolve().parents[1]
# user-service's committed spec: the pacts' matchers are typed from it, so they cannot ask
# for a type or a field it does not promise.
USER_SERVICE_SPEC = ROOT / "openapi" / "openapi.json"


def pact_directory() -> Path:
    """Where pacts go: ``$PACT_DIR``, else ``pacts/`` at the repository root."""
    return Path(os.environ.get("PACT_DIR", ROOT / "pacts"))


@pytest.fixture(scope="session")
def user_service() -> OpenApiContract:
    """user-service's OpenAPI document, read once: it builds the bodies' matchers."""
    return OpenApiContract.load(USER_SERVICE_SPEC)


@pytest.fixture(scope="session")
def fresh_pact_file(pact_between: tuple[str, str]) -> Path:
    """Delete this consumer's pact from an earlier run (only its own: other consumers' stay)."""
    consumer, provider = pact_between
    pact_file = pact_directory() / f"{consumer}-{provider}.json"
    pact_file.unlink(missing_ok=True)
    return pact_file


@pytest.fixture
def pact(
    pact_between: tuple[str, str], fresh_pact_file: Path, request: pytest.FixtureRequest
) -> Iterator[Pact]:
    """A pact for one test; its interactions are merged into the file only if the test passed."""
    contract = Pact(*pact_between).with_specification("V4")
    yield contract
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.passed:
        contract.write_file(fresh_pact_file.parent)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test item, so fixtures can see whether the test passed."""
    report: pytest.TestReport = yield
    setattr(item, f"rep_{report.when}", report)
    return report
