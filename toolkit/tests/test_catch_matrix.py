"""The catch matrix: every gate against every catalogued change, run once for this module.

The expected table is written out in full here, so a gate that starts or stops catching a
change fails this test until someone looks at why and updates both.
"""

import shutil
import tempfile
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from contract_first.cli import catch_matrix_command
from contract_first.config import CONFIG_ENV, CatchMatrixSettings, load_config
from contract_first.errors import ContractBrokenError
from contract_first.gates.catch_matrix import engine
from contract_first.gates.catch_matrix.catalogue import (
    CatalogueError,
    ChangeDoesNotApplyError,
    Edit,
    Impact,
    ProviderChange,
    apply_change,
    load_catalogue,
)
from contract_first.gates.catch_matrix.document import render_document
from contract_first.gates.catch_matrix.engine import Row, build_matrix, rule_violations
from contract_first.gates.catch_matrix.protocol import GateResult

ROOT = Path(__file__).resolve().parents[2]
CONFIG = load_config(ROOT / "pyproject.toml")
C, N = "caught", "not caught"

# change -> (spec drift, consumer types, pact verification, pacts vs spec)
EXPECTED = {
    "unchanged": (N, N, N, N),
    "rename-name-in-model": (C, C, C, C),
    "rename-name-bypassing-model": (N, N, C, N),  # invisible to everything read off the spec
    "id-becomes-string": (C, C, C, C),
    "email-removed": (C, C, C, C),
    # The replay still gets an email, so pact verification cannot see these; signup-service's
    # code reads `email` as a plain str, so its types do (notification-service narrows it).
    "email-optional": (C, C, N, C),
    "email-nullable": (C, C, N, C),
    # ErrorMessage stays in the client (POST /users declares it), so the consumer's types pass
    "not-found-becomes-empty-200": (C, N, C, C),
    "status-200-becomes-201": (C, N, C, C),  # the client's types do not carry status codes
    "path-users-becomes-user": (C, N, C, C),
    # Behaviour, not shape: only the 404 interaction sees it (it gets the decoy). The lookup
    # of user 123 passes: 123 is the lowest id stored, and its pact matches by type anyway.
    "repository-ignores-id": (N, N, C, N),
    # Request-side breaks: FastAPI refuses the pact's own request with 422, and the client's
    # call signature changes under the consumer's code.
    "new-required-request-field": (C, C, C, C),
    "required-request-header": (C, C, C, C),
    "create-201-becomes-200": (C, N, C, C),  # as for status-200-becomes-201
    # The provider ignores the unknown `email` and returns the user and the decoy; the replay
    # fails only because of that decoy (signup's pact pins each item's email). Without it,
    # only pacts vs spec (PACT008, undeclared query parameter) would see this.
    "query-email-renamed": (C, C, C, C),
    "page-items-becomes-users": (C, C, C, C),
    "new-optional-field": (C, N, N, N),
    "new-required-response-field": (C, N, N, N),  # nobody's pact relies on `count`
    "new-optional-request-field": (C, N, N, N),
    "new-optional-query-parameter": (C, N, N, N),
    "new-endpoint": (C, N, N, N),
    "health-status-removed": (C, N, N, N),
    # Safe only for today's consumers: none sends `cursor`, so no gate but drift can see it.
    # The first pact that sends `cursor` fails pacts vs spec (PACT008) and turns this red.
    "cursor-renamed-after": (C, N, N, N),
}


def settings() -> CatchMatrixSettings:
    assert CONFIG.catch_matrix is not None, (
        "pyproject.toml has no [tool.contract-first.catch-matrix]"
    )
    return CONFIG.catch_matrix


def provider_source() -> Path:
    source = CONFIG.provider().source
    assert source is not None
    return source


@pytest.fixture(scope="module")
def matrix() -> list[Row]:
    """The whole matrix, built once: about two dozen scratch providers through four gates."""
    return build_matrix(CONFIG)


def test_every_cell_is_as_expected(matrix: list[Row]) -> None:
    actual = {row.change.slug: tuple(row.cells().values()) for row in matrix}

    assert actual == EXPECTED


def test_pact_catches_every_break_and_nothing_safe_fails_pact_or_spec(matrix: list[Row]) -> None:
    assert rule_violations(matrix) == []
    impacts = {row.change.impact for row in matrix}
    assert impacts == set(Impact), "the catalogue must exercise every kind of change"


def test_the_committed_document_is_current(matrix: list[Row]) -> None:
    output = settings().output
    committed = output.read_text(encoding="utf-8") if output.is_file() else ""

    assert committed == render_document(matrix), (
        "docs/catch-matrix.md is stale: run `contract-first catch-matrix`"
    )


def test_the_document_holds_no_timings_or_scratch_paths(matrix: list[Row]) -> None:
    document = render_document(matrix)

    assert tempfile.gettempdir() not in document
    assert "catch-matrix-" not in document
    assert " s)" not in document


def test_the_verb_checks_the_document_and_writes_it_when_stale(
    matrix: list[Row], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CONFIG_ENV, str(ROOT / "pyproject.toml"))
    monkeypatch.setattr(engine, "build_matrix", lambda config, pacts, **_: matrix)
    app = typer.Typer()
    app.callback()(lambda: None)
    catch_matrix_command.register(app)
    runner = CliRunner()
    output = tmp_path / "catch-matrix.md"

    stale = runner.invoke(app, ["catch-matrix", "--output", str(output), "--check"])
    written = runner.invoke(app, ["catch-matrix", "--output", str(output)])
    current = runner.invoke(app, ["catch-matrix", "--output", str(output), "--check"])

    assert isinstance(stale.exception, ContractBrokenError), stale.output
    assert "is stale" in str(stale.exception)
    assert written.exit_code == 0, written.output
    assert "| `email-optional` | widens |" in written.output
    assert output.read_text(encoding="utf-8") == render_document(matrix)
    assert current.exit_code == 0, current.output
    assert "wrote" not in current.output


def test_a_broken_rule_fails_the_verb(
    matrix: list[Row], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missed = [
        Row(row.change, {**row.gates, "pact": GateResult(False, "2 interactions verified")})
        if row.change.slug == "email-removed"
        else row
        for row in matrix
    ]
    monkeypatch.setenv(CONFIG_ENV, str(ROOT / "pyproject.toml"))
    monkeypatch.setattr(engine, "build_matrix", lambda config, pacts, **_: missed)
    app = typer.Typer()
    app.callback()(lambda: None)
    catch_matrix_command.register(app)

    result = CliRunner().invoke(app, ["catch-matrix", "--output", str(tmp_path / "m.md")])

    assert isinstance(result.exception, ContractBrokenError), result.output
    assert "email-removed breaks the consumer but pact verification passed" in str(result.exception)


def test_an_edit_whose_anchor_is_gone_fails_loudly(tmp_path: Path) -> None:
    shutil.copytree(provider_source(), tmp_path / "src")
    stale = ProviderChange(
        "stale",
        "edits code that was refactored away",
        Impact.SAFE,
        (Edit("user_service/models.py", "    nickname: str\n", "    alias: str\n"),),
    )

    with pytest.raises(ChangeDoesNotApplyError, match=r"'stale'.*found it 0 times.*catch-matrix"):
        apply_change(stale, tmp_path / "src", settings().catalogue)


def test_a_catalogue_that_cannot_be_read_names_the_file(tmp_path: Path) -> None:
    catalogue = tmp_path / "changes.toml"
    catalogue.write_text('[[changes]]\nslug = "x"\ntitle = "y"\nimpact = "fatal"\n')

    with pytest.raises(CatalogueError, match=r"changes\.toml: changes\.0\.impact"):
        load_catalogue(catalogue)


def test_every_catalogued_change_applies_to_the_current_provider(tmp_path: Path) -> None:
    original = provider_source()
    for change in load_catalogue(settings().catalogue).changes:
        source = tmp_path / change.slug
        shutil.copytree(original, source)
        apply_change(change, source, settings().catalogue)
        changed = any(
            (source / edit.file).read_text() != (original / edit.file).read_text()
            for edit in change.edits
        )
        assert changed or not change.edits, f"{change.slug} left the provider as it was"
