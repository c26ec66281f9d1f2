"""The version and branch a pacticipant publishes as: the git commit and branch, or overrides.

A tree with uncommitted changes gets a version that says so (``<sha>+dirty.<digest>``), so a
build from edited files is never recorded under a clean commit's number.
"""

import hashlib
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class RevisionError(RuntimeError):
    """The version or branch cannot be worked out; the message says which variable to set."""


def _git(*args: str, cwd: Path = ROOT) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        raise RevisionError(f"`git {' '.join(args)}` failed: {error}") from error
    return result.stdout.strip()


def commit_version(repository: Path = ROOT) -> str:
    """The HEAD commit, marked dirty (with a digest of the changes) when the tree has edits."""
    sha = _git("rev-parse", "HEAD", cwd=repository)
    changes = _git("status", "--porcelain", "--untracked-files=normal", cwd=repository)
    if not changes:
        return sha
    digest = hashlib.sha256()
    digest.update(_git("diff", "HEAD", "--no-color", cwd=repository).encode())
    digest.update(changes.encode())
    return f"{sha}+dirty.{digest.hexdigest()[:12]}"


def current_branch(repository: Path = ROOT) -> str:
    """The checked-out branch; on a detached HEAD, the CI's branch variables."""
    branch = _git("rev-parse", "--abbrev-ref", "HEAD", cwd=repository)
    if branch != "HEAD":
        return branch
    for variable in ("GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME"):
        if os.environ.get(variable):
            return os.environ[variable]
    raise RevisionError("HEAD is detached and no CI branch variable is set")


def version_for(role: str) -> str:
    """``$PACT_<ROLE>_VERSION`` if set, else the commit version."""
    override = os.environ.get(f"PACT_{role.upper()}_VERSION", "").strip()
    return override or commit_version()


def branch_for(role: str) -> str:
    """``$PACT_<ROLE>_BRANCH`` if set, else the current branch."""
    override = os.environ.get(f"PACT_{role.upper()}_BRANCH", "").strip()
    if override:
        return override
    try:
        return current_branch()
    except RevisionError as error:
        raise RevisionError(f"{error}: set PACT_{role.upper()}_BRANCH") from error
