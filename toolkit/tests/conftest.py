"""Fixtures for the toolkit's tests: the installed CLI, and a small provider project of its own."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from local_pact_broker.background import running_broker

from .release_project import ReleaseProject, write_release_project
from .sample_project import SampleProject, write_pact, write_sample_project

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")


@pytest.fixture
def project(tmp_path: Path, sample_pact: Path) -> SampleProject:
    """A folder holding a tiny FastAPI provider (no /health), its states and a pact for it."""
    return write_sample_project(tmp_path / "things-project", sample_pact)


@pytest.fixture
def local_broker(tmp_path: Path) -> Iterator[str]:
    """The base URL of a fresh local broker (own process, own SQLite file)."""
    with running_broker(tmp_path / "broker.sqlite3", tmp_path / "broker.log") as url:
        yield url


@pytest.fixture(scope="session")
def sample_pact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """things-web's pact for things, written once by pact-python for every project to copy."""
    return write_pact(tmp_path_factory.mktemp("sample-pact"))


@pytest.fixture
def release_project(tmp_path: Path, sample_pact: Path) -> ReleaseProject:
    """A configured project (the sample provider and consumer) that no broker knows yet."""
    return write_release_project(tmp_path / "shop", sample_pact)
