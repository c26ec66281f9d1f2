"""``[tool.contract-first]``: found from any folder below it, refused loudly when it is wrong."""

import os
from pathlib import Path

import pytest

from contract_first.config import load_config
from contract_first.errors import UsageError
from contract_first.provider_app import scratch_environment
from contract_first.release.broker_connection import BrokerConnection

TABLE = """
[tool.contract-first]
pacts = "contracts"

[tool.contract-first.broker]
base-url = "http://broker.internal:9292"

[tool.contract-first.pacticipants.orders]
role = "provider"
app = "orders.app:app"
spec = "openapi.json"

[tool.contract-first.pacticipants.shop]
role = "consumer"
"""


def write(folder: Path, text: str) -> Path:
    path = folder / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_nearest_file_is_found_and_paths_are_relative_to_it(tmp_path: Path) -> None:
    write(tmp_path, TABLE)
    below = tmp_path / "src" / "orders"
    below.mkdir(parents=True)

    config = load_config(start=below)

    assert config.pacts == tmp_path / "contracts"
    assert config.provider().name == "orders"
    assert config.provider().spec == tmp_path / "openapi.json"
    assert config.pacticipant("shop").role == "consumer"


def test_no_file_means_an_empty_configuration(tmp_path: Path) -> None:
    config = load_config(start=tmp_path)

    assert config.source is None
    with pytest.raises(UsageError, match=r"no provider is configured .*pass --provider"):
        config.provider()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (TABLE.replace('role = "consumer"', 'role = "client"'), "pacticipants.shop.role"),
        (TABLE + 'colour = "blue"\n', "pacticipants.shop.colour: Extra inputs are not permitted"),
        ("[tool.contract-first\n", "is not valid TOML"),
    ],
)
def test_a_wrong_table_names_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)

    with pytest.raises(UsageError, match=message):
        load_config(path)


def test_the_environment_overrides_the_broker_url(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, TABLE))

    configured = BrokerConnection.from_environment({}, config.broker_base_url)
    overridden = BrokerConnection.from_environment(
        {"PACT_BROKER_BASE_URL": "http://127.0.0.1:9292"}, config.broker_base_url
    )

    assert configured.base_url == "http://broker.internal:9292"
    assert overridden.base_url == "http://127.0.0.1:9292"


def test_a_provider_never_gets_the_consumers_role(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, TABLE))

    with pytest.raises(UsageError, match=r"'shop' is a consumer, not a provider"):
        config.provider("shop")


def test_scratch_variables_point_at_a_fresh_folder_and_are_restored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ORDERS_DATABASE", "real.sqlite3")

    with scratch_environment({"ORDERS_DATABASE": "{scratch}/orders.sqlite3"}) as folder:
        assert os.environ["ORDERS_DATABASE"] == f"{folder}/orders.sqlite3"
        assert folder.is_dir()

    assert os.environ["ORDERS_DATABASE"] == "real.sqlite3"
    assert not folder.exists()
