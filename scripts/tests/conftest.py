"""Fixtures for the script tests: a real local broker process on a free port."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from broker_process import running_broker

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")


@pytest.fixture
def local_broker(tmp_path: Path) -> Iterator[str]:
    """The base URL of a fresh local broker (own process, own SQLite file)."""
    with running_broker(tmp_path / "broker.sqlite3", tmp_path / "broker.log") as url:
        yield url
