"""The catalogue of provider changes, read from TOML: each change a small text edit to the source.

The catch matrix applies each change to a scratch copy of the provider's source folder and
asks every gate whether it notices. Each edit names the exact text it replaces and fails
loudly when that text is gone: after a refactor of the provider the catalogue must be
updated, never silently apply nothing. The file looks like::

    provider = "user-service"          # optional when one provider is configured

    [[changes]]
    slug = "email-removed"
    title = "`email` no longer sent"
    impact = "breaks"                  # breaks | widens | safe | none

    [[changes.edits]]
    file = "user_service/models.py"    # relative to the provider's source folder
    anchor = '''
        email: str = Field(description="The user's email address.")
    '''
    replacement = '''
        email: str = Field(exclude=True, description="The user's email address.")
    '''
"""

import tomllib
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contract_first.config import describe
from contract_first.errors import UsageError


class Impact(Enum):
    """What a change does to the consumer, which decides the gate that must catch it."""

    BREAKS = "breaks"  # the pact's own requests are refused or get answers it cannot use
    WIDENS = "widens"  # answers unchanged today; the spec now allows ones that break it
    SAFE = "safe"  # nothing that today's pacts send or read has changed
    NONE = "none"  # the control row: nothing changed


@dataclass(frozen=True)
class Edit:
    """Replace ``anchor`` (which must occur exactly once) in one file under the source folder."""

    file: str
    anchor: str
    replacement: str


@dataclass(frozen=True)
class ProviderChange:
    """One named change: what it is, what it does to the consumer, and how it is made."""

    slug: str
    title: str
    impact: Impact
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Catalogue:
    """The changes of one catalogue file, and which provider they are made to."""

    path: Path
    provider: str | None
    changes: tuple[ProviderChange, ...]


class CatalogueError(UsageError):
    """The catalogue cannot be read, or one of its changes no longer applies: update the file."""


class ChangeDoesNotApplyError(CatalogueError):
    """An edit's anchor text is not in the provider (any more), or is there more than once."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _EditTable(_Strict):
    file: str = Field(min_length=1)
    anchor: str = Field(min_length=1)
    replacement: str


class _ChangeTable(_Strict):
    slug: str = Field(min_length=1)
    title: str = Field(min_length=1)
    impact: Impact
    edits: tuple[_EditTable, ...] = ()


class _CatalogueFile(_Strict):
    provider: str | None = None
    changes: tuple[_ChangeTable, ...] = Field(min_length=1)


def load_catalogue(path: Path) -> Catalogue:
    """Read the catalogue at ``path``; a ``CatalogueError`` naming the file and the problem."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CatalogueError(
            f"cannot read the catch-matrix catalogue {path}: {error.strerror or error}"
        ) from error
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(
            f"the catch-matrix catalogue {path} is not valid TOML: {error}"
        ) from error
    try:
        parsed = _CatalogueFile.model_validate(document)
    except ValidationError as error:
        raise CatalogueError(f"the catch-matrix catalogue {path}: {describe(error)}") from None
    slugs = [change.slug for change in parsed.changes]
    repeated = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if repeated:
        raise CatalogueError(f"the catch-matrix catalogue {path} repeats {', '.join(repeated)}")
    return Catalogue(
        path=path,
        provider=parsed.provider,
        changes=tuple(
            ProviderChange(
                slug=change.slug,
                title=change.title,
                impact=change.impact,
                edits=tuple(Edit(e.file, e.anchor, e.replacement) for e in change.edits),
            )
            for change in parsed.changes
        ),
    )


def apply_change(change: ProviderChange, source_root: Path, catalogue: Path) -> None:
    """Apply every edit of ``change`` to the scratch copy of the source at ``source_root``.

    ``catalogue`` is the file the change came from: the error says to update it.
    """
    for edit in change.edits:
        path = source_root / edit.file
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise ChangeDoesNotApplyError(
                f"change {change.slug!r} edits {edit.file}, which the provider's source folder "
                f"does not have ({error.strerror or error}). Update {catalogue} to the "
                "provider's current code."
            ) from None
        count = text.count(edit.anchor)
        if count != 1:
            raise ChangeDoesNotApplyError(
                f"change {change.slug!r}: expected this text exactly once in {edit.file}, "
                f"found it {count} times: {edit.anchor!r}. Update {catalogue} to the "
                "provider's current code."
            )
        path.write_text(text.replace(edit.anchor, edit.replacement), encoding="utf-8")
