"""The version and branch a pacticipant publishes as: the git commit and branch, or overrides.

A tree with uncommitted changes gets a version that says so (``<sha>+dirty.<digest>``), so a
build from edited files is never recorded under a clean commit's number.
"""

import hashlib
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from contract_first.errors import UsageError

CI_BRANCH_VARIABLES = ("GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME")


class RevisionError(UsageError):
    """The version or branch cannot be worked out; the message says which variable to set."""


def _git(*args: str, cwd: Path | None = None) -> str:
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd or Path.cwd(), capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError) as error:
        said = getattr(error, "stderr", "") or str(error)
        raise RevisionError(f"`git {' '.join(args)}` failed: {said.strip()}") from error
    return result.stdout.strip()


def commit_version(repository: Path | None = None) -> str:
    """The HEAD commit, marked dirty (with a digest of the changes) when the tree has edits."""
    sha = _git("rev-parse", "HEAD", cwd=repository)
    changes = _git("status", "--porcelain", "--untracked-files=normal", cwd=repository)
    if not changes:
        return sha
    digest = hashlib.sha256()
    digest.update(_git("diff", "HEAD", "--no-color", cwd=repository).encode())
    digest.update(changes.encode())
    return f"{sha}+dirty.{digest.hexdigest()[:12]}"


def current_branch(repository: Path | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The checked-out branch; on a detached HEAD, the CI's branch variables."""
    env = os.environ if environ is None else environ
    branch = _git("rev-parse", "--abbrev-ref", "HEAD", cwd=repository)
    if branch != "HEAD":
        return branch
    for variable in CI_BRANCH_VARIABLES:
        if env.get(variable):
            return env[variable]
    raise RevisionError("HEAD is detached and no CI branch variable is set")


def version_for(role: str, environ: Mapping[str, str] | None = None) -> str:
    """``$PACT_<ROLE>_VERSION`` if set, else the commit version."""
    env = os.environ if environ is None else environ
    override = env.get(f"PACT_{role.upper()}_VERSION", "").strip()
    if override:
        return override
    try:
        return commit_version()
    except RevisionError as error:
        raise RevisionError(f"{error}; set PACT_{role.upper()}_VERSION") from error


def branch_for(role: str, environ: Mapping[str, str] | None = None) -> str:
    """``$PACT_<ROLE>_BRANCH`` if set, else the current branch."""
    env = os.environ if environ is None else environ
    override = env.get(f"PACT_{role.upper()}_BRANCH", "").strip()
    if override:
        return override
    try:
        return current_branch(environ=env)
    except RevisionError as error:
        raise RevisionError(f"{error}; set PACT_{role.upper()}_BRANCH") from error
