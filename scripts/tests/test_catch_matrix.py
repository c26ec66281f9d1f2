"""The catch matrix: every gate against every catalogued change, run once for this module.

The expected table is written out in full here, so a gate that starts or stops catching a
change fails this test until someone looks at why and updates both.
"""

import shutil
import tempfile
from pathlib import Path

import pytest
from catch_matrix import DEFAULT_OUTPUT, Row, build_matrix, render_document, rule_violations
from provider_changes import (
    CATALOGUE,
    ChangeDoesNotApplyError,
    Edit,
    Impact,
    ProviderChange,
    apply_change,
)

ROOT = Path(__file__).resolve().parents[2]
C, N = "caught", "not caught"

# change -> (spec drift, consumer types, pact verification, pacts vs spec)
EXPECTED = {
    "unchanged": (N, N, N, N),
    "rename-name-in-model": (C, C, C, C),
    "rename-name-bypassing-model": (N, N, C, N),  # invisible to everything read off the spec
    "id-becomes-string": (C, C, C, C),
    "email-removed": (C, C, C, C),
    "email-optional": (C, N, N, C),  # the replay still gets an email: only the spec check sees it
    "email-nullable": (C, N, N, C),
    "not-found-becomes-empty-200": (C, C, C, C),
    "status-200-becomes-201": (C, N, C, C),  # the client's types do not carry status codes
    "path-users-becomes-user": (C, N, C, C),
    "new-optional-field": (C, N, N, N),
    "new-endpoint": (C, N, N, N),
    "health-status-removed": (C, N, N, N),
}


@pytest.fixture(scope="module")
def matrix() -> list[Row]:
    """The whole matrix, built once: about a dozen scratch providers through four gates."""
    return build_matrix()


def test_every_cell_is_as_expected(matrix: list[Row]) -> None:
    actual = {row.change.slug: tuple(row.cells().values()) for row in matrix}

    assert actual == EXPECTED


def test_pact_catches_every_break_and_nothing_safe_fails_pact_or_spec(matrix: list[Row]) -> None:
    assert rule_violations(matrix) == []
    impacts = {row.change.impact for row in matrix}
    assert impacts == set(Impact), "the catalogue must exercise every kind of change"


def test_the_committed_document_is_current(matrix: list[Row]) -> None:
    committed = DEFAULT_OUTPUT.read_text(encoding="utf-8") if DEFAULT_OUTPUT.is_file() else ""

    assert committed == render_document(matrix), (
        "docs/catch-matrix.md is stale: run `just catch-matrix`"
    )


def test_the_document_holds_no_timings_or_scratch_paths(matrix: list[Row]) -> None:
    document = render_document(matrix)

    assert tempfile.gettempdir() not in document
    assert "catch-matrix-" not in document
    assert " s)" not in document


def test_an_edit_whose_anchor_is_gone_fails_loudly(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "provider" / "src", tmp_path / "src")
    stale = ProviderChange(
        "stale",
        "edits code that was refactored away",
        Impact.SAFE,
        (Edit("user_service/models.py", "    nickname: str\n", "    alias: str\n"),),
    )

    with pytest.raises(ChangeDoesNotApplyError, match=r"'stale'.*found it 0 times"):
        apply_change(stale, tmp_path / "src")


def test_every_catalogued_change_applies_to_the_current_provider(tmp_path: Path) -> None:
    for change in CATALOGUE:
        source = tmp_path / change.slug
        shutil.copytree(ROOT / "provider" / "src", source)
        apply_change(change, source)
        changed = any(
            (source / edit.file).read_text() != (ROOT / "provider" / "src" / edit.file).read_text()
            for edit in change.edits
        )
        assert changed or not change.edits, f"{change.slug} left the provider as it was"
