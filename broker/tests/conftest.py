import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .broker_live_server import BrokerServer, start_broker

os.environ["PACT_DO_NOT_TRACK"] = "true"


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[BrokerServer]:
    with start_broker(tmp_path / "broker.sqlite3") as server:
        yield server
