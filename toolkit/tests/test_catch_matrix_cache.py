"""Kept catch-matrix rows: read back for exactly the inputs they came from, and for nothing else."""

import json
import shutil
from pathlib import Path

import pytest

from contract_first.config import load_config
from contract_first.gates.catch_matrix import engine
from contract_first.gates.catch_matrix.catalogue import Edit, Impact, ProviderChange
from contract_first.gates.catch_matrix.protocol import GATES, GateResult
from contract_first.gates.catch_matrix.row_cache import (
    Inputs,
    RowCache,
    default_folder,
    pth_contents,
    shared_digest,
)

ROOT = Path(__file__).resolve().parents[2]
CONFIG = load_config(ROOT / "pyproject.toml")
CHANGE = ProviderChange(
    "email-removed",
    "`email` no longer sent",
    Impact.BREAKS,
    (Edit("app/models.py", "email: str\n", ""),),
)
GATES_SAID = {gate: GateResult(caught=True, evidence=f"{gate} said so") for gate in GATES}


def _inputs(project: Path) -> Inputs:
    return Inputs(
        folders={"source": project / "src", "pacts": project / "pacts"},
        files={"configuration": project / "pyproject.toml", "client config": None},
        modules=["app.main:create_app"],
        module_search_path=(project / "src",),
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A tiny provider project: a source folder holding package ``app``, pacts, configuration."""
    root = tmp_path / "project"
    for name, text in {
        "src/app/__init__.py": "",
        "src/app/models.py": "class User:\n    email: str\n",
        "pacts/web-app.json": '{"interactions": []}',
        "pyproject.toml": "[tool.contract-first]\n",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_a_kept_row_is_read_back_for_the_same_inputs(project: Path, tmp_path: Path) -> None:
    RowCache(tmp_path / "cache", _inputs(project)).put(CHANGE, GATES_SAID)

    assert RowCache(tmp_path / "cache", _inputs(project)).get(CHANGE) == GATES_SAID


@pytest.mark.parametrize(
    "edit",
    [
        "a source file's bytes",
        "a new source file",
        "a renamed source file",
        "a pact",
        "the configuration",
        "a file appears where none was",
    ],
)
def test_any_changed_input_file_is_a_miss(project: Path, tmp_path: Path, edit: str) -> None:
    RowCache(tmp_path / "cache", _inputs(project)).put(CHANGE, GATES_SAID)
    inputs = _inputs(project)
    if edit == "a source file's bytes":
        (project / "src/app/models.py").write_text("class User:\n    email: int\n")
    elif edit == "a new source file":
        (project / "src/app/routes.py").write_text("")
    elif edit == "a renamed source file":
        (project / "src/app/models.py").rename(project / "src/app/model.py")
    elif edit == "a pact":
        (project / "pacts/web-app.json").write_text('{"interactions": [{}]}')
    elif edit == "the configuration":
        (project / "pyproject.toml").write_text("[tool.contract-first]\npacts = 'p'\n")
    else:
        (project / "client-config.yaml").write_text("")
        inputs = Inputs(
            folders=inputs.folders,
            files={**inputs.files, "client config": project / "client-config.yaml"},
            modules=inputs.modules,
            module_search_path=inputs.module_search_path,
        )

    assert RowCache(tmp_path / "cache", inputs).get(CHANGE) is None


def test_the_same_files_elsewhere_are_the_same_inputs(project: Path, tmp_path: Path) -> None:
    """A fresh clone in another folder, with the same files, reads the rows kept before."""
    elsewhere = tmp_path / "clone" / "project"
    shutil.copytree(project, elsewhere)

    assert shared_digest(_inputs(elsewhere)) == shared_digest(_inputs(project))


def test_an_editable_install_counts_by_the_files_of_its_source(tmp_path: Path) -> None:
    source = tmp_path / "src"
    (source / "lib").mkdir(parents=True)
    (source / "lib" / "__init__.py").write_text("ANSWER = 42\n")
    pth = tmp_path / "_editable_lib.pth"
    pth.write_text(f"{source}\nimport something_at_start_up\n")
    before = list(pth_contents(pth))

    (source / "lib" / "__init__.py").write_text("ANSWER = 41\n")

    assert list(pth_contents(pth)) != before
    assert any(b"import something_at_start_up" in part for part in before)


def test_a_changed_edit_is_a_miss(project: Path, tmp_path: Path) -> None:
    cache = RowCache(tmp_path / "cache", _inputs(project))
    cache.put(CHANGE, GATES_SAID)
    other = ProviderChange(
        CHANGE.slug, CHANGE.title, CHANGE.impact, (Edit("app/models.py", "email: str\n", "x\n"),)
    )

    assert cache.get(other) is None
    assert cache.key(other) != cache.key(CHANGE)


@pytest.mark.parametrize("variable", ["PYTHONPATH", "MYPYPATH", "PACT_BROKER_BASE_URL"])
def test_a_variable_that_changes_what_runs_is_a_miss(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    RowCache(tmp_path / "cache", _inputs(project)).put(CHANGE, GATES_SAID)
    monkeypatch.setenv(variable, str(tmp_path / "elsewhere"))

    assert RowCache(tmp_path / "cache", _inputs(project)).get(CHANGE) is None


def test_the_imported_packages_are_inputs_wherever_they_are_found(
    project: Path, tmp_path: Path
) -> None:
    """The app's package is hashed where the worker imports it from, not only as a folder."""
    outside = tmp_path / "outside"
    (outside / "app").mkdir(parents=True)
    (outside / "app" / "__init__.py").write_text("")
    inputs = Inputs(folders={}, files={}, modules=["app.main:app"], module_search_path=(outside,))
    RowCache(tmp_path / "cache", inputs).put(CHANGE, GATES_SAID)
    (outside / "app" / "main.py").write_text("app = None\n")

    assert RowCache(tmp_path / "cache", inputs).get(CHANGE) is None


@pytest.mark.parametrize(
    "entry",
    [
        "not json",
        json.dumps({"slug": CHANGE.slug, "gates": {"drift": {"caught": True, "evidence": "x"}}}),
        json.dumps({"slug": "another-change", "gates": {}}),
        json.dumps(["a", "list"]),
    ],
    ids=["not JSON", "a gate missing", "another change's row", "not an object"],
)
def test_a_damaged_entry_is_recomputed_not_trusted(
    project: Path, tmp_path: Path, entry: str
) -> None:
    cache = RowCache(tmp_path / "cache", _inputs(project))
    cache.put(CHANGE, GATES_SAID)
    (tmp_path / "cache" / f"{cache.key(CHANGE)}.json").write_text(entry)

    assert cache.get(CHANGE) is None
    cache.put(CHANGE, GATES_SAID)
    assert cache.get(CHANGE) == GATES_SAID


def test_an_unwritable_cache_costs_only_time(project: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    cache = RowCache(blocked / "cache", _inputs(project))

    cache.put(CHANGE, GATES_SAID)

    assert cache.get(CHANGE) is None


def test_the_cache_folder_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONTRACT_FIRST_CACHE_DIR", str(tmp_path / "mine"))
    assert default_folder() == tmp_path / "mine" / "catch-matrix"
    monkeypatch.delenv("CONTRACT_FIRST_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_folder() == tmp_path / "xdg" / "contract-first" / "catch-matrix"


def test_the_matrix_hashes_every_file_its_gates_read() -> None:
    setup = engine._setup(CONFIG, None)
    inputs = engine._inputs(setup, CONFIG)
    provider = CONFIG.provider()

    assert set(inputs.folders.values()) == {
        provider.source,
        provider.client,
        CONFIG.pacts.resolve(),
        *(p.source for p in CONFIG.pacticipants.values() if p.role == "consumer"),
    }
    assert set(inputs.files.values()) == {
        ROOT / "pyproject.toml",
        CONFIG.catch_matrix.catalogue if CONFIG.catch_matrix else None,
        provider.spec,
        provider.client_config,
    }
    # the state handlers' package (provider.tests...) and the app's, where the worker finds them
    assert set(inputs.modules) == {provider.app, provider.states}
    assert inputs.module_search_path == (ROOT, provider.source)


def test_the_matrix_reads_back_kept_rows_without_running_a_gate(tmp_path: Path) -> None:
    """Every row kept with words no gate says: the matrix is exactly those rows."""
    setup = engine._setup(CONFIG, None)
    cache = RowCache(tmp_path, engine._inputs(setup, CONFIG))
    kept = {
        change.slug: {gate: GateResult(False, f"kept for {change.slug}") for gate in GATES}
        for change in setup.catalogue.changes
    }
    for change in setup.catalogue.changes:
        cache.put(change, kept[change.slug])

    rows = engine.build_matrix(CONFIG, cache_folder=tmp_path)

    assert [row.change for row in rows] == list(setup.catalogue.changes)
    assert {row.change.slug: row.gates for row in rows} == kept
