"""The drift check passes on the committed copies and names the stale file and the fix.

Export and regeneration reproduce the committed spec and client byte for byte, and leave
them alone when run again. Everything runs on copies in tmp_path: the repository's
committed files are only read.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from contract_first.cli.app import main
from contract_first.errors import UsageError
from contract_first.gates.client_generation import ClientGenerationError, generate_client
from contract_first.gates.drift import MAX_DIFF_LINES, tree

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "pyproject.toml"
COMMITTED_SPEC = ROOT / "openapi" / "openapi.json"
COMMITTED_CLIENT = ROOT / "generated_client"
CONTRACT_FIRST = Path(sys.executable).parent / "contract-first"
STALE = "error: the committed spec or client is stale. Run `contract-first regen-client`"


@pytest.fixture
def committed_copies(tmp_path: Path) -> tuple[Path, Path]:
    spec = tmp_path / "openapi.json"
    shutil.copy(COMMITTED_SPEC, spec)
    client = tmp_path / "generated_client"
    shutil.copytree(COMMITTED_CLIENT, client, ignore=shutil.ignore_patterns("__pycache__"))
    return spec, client


def check_drift(spec: Path, client: Path) -> int:
    return main(
        ["--config", str(CONFIG), "check-drift", "--spec", str(spec), "--client", str(client)]
    )


def write_config(folder: Path, provider: str) -> Path:
    """A pyproject.toml whose provider writes its spec and client inside ``folder``."""
    path = folder / "pyproject.toml"
    path.write_text(
        "[tool.contract-first.pacticipants.user-service]\n" + provider,
        encoding="utf-8",
    )
    return path


FULL_PROVIDER = f"""role = "provider"
app = "user_service.app:create_app"
spec = "openapi/openapi.json"
client = "generated_client"
client-config = {str(ROOT / "openapi" / "client-config.yaml")!r}
env = {{ USER_SERVICE_DATABASE_PATH = "{{scratch}}/users.sqlite3" }}
"""


def test_current_copies_pass(
    committed_copies: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    spec, client = committed_copies

    assert check_drift(spec, client) == 0

    out, err = capsys.readouterr()
    assert out == "openapi.json and generated_client/ match the provider's code\n"
    assert err == ""


def test_a_stale_spec_fails_with_a_diff_and_the_fix(
    committed_copies: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    spec, client = committed_copies
    spec.write_text(spec.read_text().replace('"title": "user-service"', '"title": "old-name"'))

    assert check_drift(spec, client) == 1

    out, err = capsys.readouterr()
    assert out == ""
    assert '-    "title": "old-name",' in err
    assert '+    "title": "user-service",' in err
    assert "Run `contract-first regen-client`" in err
    assert err.splitlines()[-1].startswith(STALE)


def test_a_hand_edited_client_fails_naming_the_file(
    committed_copies: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    spec, client = committed_copies
    model = client / "user_service_client" / "models" / "user.py"
    model.write_text(model.read_text() + "# edited by hand\n")

    assert check_drift(spec, client) == 1

    err = capsys.readouterr().err
    assert "committed/generated_client/user_service_client/models/user.py" in err
    assert "-# edited by hand" in err


def test_a_long_diff_is_cut_and_says_how_much_is_left_out(
    committed_copies: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    spec, client = committed_copies
    shutil.rmtree(client / "user_service_client")

    assert check_drift(spec, client) == 1

    err = capsys.readouterr().err.splitlines()
    assert len(err) == MAX_DIFF_LINES + 2
    assert err[-2].endswith("more diff lines")
    assert err[-2].startswith("... ")
    assert err[-1].startswith(STALE)


def test_export_writes_the_committed_bytes_and_a_second_run_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "openapi" / "openapi.json"
    export = ["--config", str(CONFIG), "export-openapi", "--output", str(output)]

    assert main(export) == 0
    assert capsys.readouterr().out == f"wrote {output}\n"
    assert output.read_bytes() == COMMITTED_SPEC.read_bytes()
    written = output.stat().st_mtime_ns

    assert main(export) == 0
    assert capsys.readouterr().out == f"{output} is up to date\n"
    assert output.stat().st_mtime_ns == written


def test_regen_client_reproduces_the_committed_client_and_is_byte_stable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, FULL_PROVIDER)
    spec, client = tmp_path / "openapi" / "openapi.json", tmp_path / "generated_client"

    assert main(["--config", str(config), "regen-client"]) == 0
    assert f"generated {client} from {spec}" in capsys.readouterr().out
    assert spec.read_bytes() == COMMITTED_SPEC.read_bytes()
    first = tree(client)
    assert first == tree(COMMITTED_CLIENT)

    assert main(["--config", str(config), "regen-client"]) == 0
    assert f"{spec} is up to date" in capsys.readouterr().out
    assert tree(client) == first


def test_check_drift_reads_the_spec_and_client_from_the_configuration(
    tmp_path: Path, committed_copies: tuple[Path, Path]
) -> None:
    spec, client = committed_copies
    (tmp_path / "openapi").mkdir()
    spec.rename(tmp_path / "openapi" / "openapi.json")
    config = write_config(tmp_path, FULL_PROVIDER)
    environment = {k: v for k, v in os.environ.items() if k != "CONTRACT_FIRST_CONFIG"}

    result = subprocess.run(
        [str(CONTRACT_FIRST), "check-drift"],
        cwd=tmp_path,
        env={**environment, "PACT_DO_NOT_TRACK": "true", "CONTRACT_FIRST_CONFIG": str(config)},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == "openapi/openapi.json and generated_client/ match the provider's code\n"
    model = client / "user_service_client" / "models" / "user.py"
    model.write_text(model.read_text() + "# edited by hand\n")

    stale = subprocess.run(
        [str(CONTRACT_FIRST), "--config", str(config), "check-drift"],
        cwd=tmp_path,
        env={**environment, "PACT_DO_NOT_TRACK": "true"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert stale.returncode == 1, stale.stderr
    assert "committed/generated_client/user_service_client/models/user.py" in stale.stderr
    assert stale.stderr.splitlines()[-1].startswith(STALE)
    assert "Traceback" not in stale.stderr


@pytest.mark.parametrize("verb", ["export-openapi", "regen-client", "check-drift"])
def test_a_missing_setting_exits_2_naming_the_key_and_the_table(
    tmp_path: Path, verb: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, 'role = "provider"\nspec = "openapi.json"\n')

    assert main(["--config", str(config), verb]) == 2

    err = capsys.readouterr().err
    assert err.startswith("error: provider 'user-service' has no app setting: add app = ")
    assert "[tool.contract-first.pacticipants.user-service]" in err


def test_an_unknown_provider_exits_2_listing_the_known_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--config", str(CONFIG), "check-drift", "--provider", "billing"]) == 2

    err = capsys.readouterr().err
    assert err.startswith("error: unknown pacticipant 'billing': known pacticipants are ")
    assert "user-service (provider)" in err


def test_an_app_without_openapi_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "gates_plain_asgi_app.py").write_text(
        "async def app(scope, receive, send):\n    pass\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    config = write_config(tmp_path, 'role = "provider"\napp = "gates_plain_asgi_app:app"\n')

    assert main(["--config", str(config), "export-openapi", "--output", "out.json"]) == 2

    err = capsys.readouterr().err
    assert err.startswith("error: --app 'gates_plain_asgi_app:app' is a function")
    assert "no openapi()" in err
    assert not (tmp_path / "out.json").exists()


def test_a_spec_the_generator_refuses_is_an_error_in_its_own_words(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.json"
    spec.write_text('{"openapi": "3.1.0", "info": {"title": "x"}}', encoding="utf-8")

    with pytest.raises(ClientGenerationError) as raised:
        generate_client(spec, tmp_path / "client")

    assert raised.value.exit_code == 2
    assert str(raised.value).startswith(f"openapi-python-client failed on {spec}")
    assert len(str(raised.value).splitlines()) > 1  # the generator's words follow


def test_generating_from_a_missing_spec_says_to_export_first(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="run `contract-first export-openapi`"):
        generate_client(tmp_path / "missing.json", tmp_path / "client")
