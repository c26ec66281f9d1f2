"""The drift check passes on the committed copies and names the stale file and the fix."""

import shutil
from pathlib import Path

import pytest
from check_drift import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def committed_copies(tmp_path: Path) -> tuple[Path, Path]:
    spec = tmp_path / "openapi.json"
    shutil.copy(ROOT / "openapi" / "openapi.json", spec)
    client = tmp_path / "generated_client"
    shutil.copytree(ROOT / "generated_client", client, ignore=shutil.ignore_patterns("__pycache__"))
    return spec, client


def test_current_copies_pass(committed_copies: tuple[Path, Path]) -> None:
    spec, client = committed_copies

    assert main(["--spec", str(spec), "--client", str(client)]) == 0


def test_a_stale_spec_fails_with_a_diff_and_the_fix(
    committed_copies: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    spec, client = committed_copies
    spec.write_text(spec.read_text().replace('"title": "user-service"', '"title": "old-name"'))

    assert main(["--spec", str(spec), "--client", str(client)]) == 1

    err = capsys.readouterr().err
    assert '-    "title": "old-name",' in err
    assert '+    "title": "user-service",' in err
    assert "Run `just regen-client`" in err


def test_a_hand_edited_client_fails_naming_the_file(
    committed_copies: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    spec, client = committed_copies
    model = client / "user_service_client" / "models" / "user.py"
    model.write_text(model.read_text() + "# edited by hand\n")

    assert main(["--spec", str(spec), "--client", str(client)]) == 1

    err = capsys.readouterr().err
    assert "committed/generated_client/user_service_client/models/user.py" in err
    assert "-# edited by hand" in err
