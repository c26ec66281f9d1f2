"""Versions name the commit, and a tree with edits never passes for a clean commit."""

import subprocess
from pathlib import Path

import pytest

from contract_first.release.versions import commit_version, current_branch, version_for


def git(repository: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repository, capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "dev@example.com")
    git(tmp_path, "config", "user.name", "Dev")
    (tmp_path / "app.py").write_text("print('v1')\n")
    git(tmp_path, "add", "app.py")
    git(tmp_path, "commit", "-qm", "v1")
    return tmp_path


def test_a_clean_tree_is_its_commit(repository: Path) -> None:
    assert commit_version(repository) == git(repository, "rev-parse", "HEAD")
    assert current_branch(repository) == "main"


def test_an_edited_tree_says_it_is_dirty_and_edits_change_the_version(repository: Path) -> None:
    sha = git(repository, "rev-parse", "HEAD")
    (repository / "app.py").write_text("print('v2')\n")
    first = commit_version(repository)
    (repository / "app.py").write_text("print('v3')\n")
    second = commit_version(repository)

    assert first.startswith(f"{sha}+dirty.")
    assert second.startswith(f"{sha}+dirty.")
    assert first != second, "two different edits must not share a version"


def test_an_untracked_file_makes_the_tree_dirty(repository: Path) -> None:
    (repository / "new.py").write_text("x = 1\n")

    assert "+dirty." in commit_version(repository)


def test_overrides_win() -> None:
    assert version_for("provider", {"PACT_PROVIDER_VERSION": "2.0.0"}) == "2.0.0"


def test_a_detached_head_takes_the_ci_branch(repository: Path) -> None:
    git(repository, "checkout", "-q", "--detach")

    assert current_branch(repository, {"GITHUB_REF_NAME": "feature/x"}) == "feature/x"
