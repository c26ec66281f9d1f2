"""SQL for pacticipants, their versions, branches and tags."""

from dataclasses import replace

from local_pact_broker.db.records import (
    PACTICIPANT_COLUMNS,
    VERSION_COLUMNS,
    BranchOfVersion,
    BranchRecord,
    PacticipantRecord,
    VersionDetails,
    VersionRecord,
)
from local_pact_broker.db.storage import Connection
from local_pact_broker.domain.errors import InvalidInputError
from local_pact_broker.domain.limits import MAX_TAGS_PER_VERSION, name_problems, too_many_tags
from local_pact_broker.domain.models import PacticipantVersion
from local_pact_broker.domain.timestamps import now

MAIN_BRANCH_CANDIDATES = ("main", "master", "develop")

_PACTICIPANT = f"SELECT {PACTICIPANT_COLUMNS} FROM pacticipants p"  # noqa: S608 - constants
_VERSION = (
    f"SELECT {VERSION_COLUMNS} FROM versions v"  # noqa: S608 - constant SQL fragments
    " JOIN pacticipants p ON p.id = v.pacticipant_id"
)


class VersionNotFoundError(LookupError):
    """A version id that is not in the database (ids come from rows read before)."""


def check_name(field: str, value: str, *, pacticipant: bool = False) -> None:
    """400 (``errors`` keyed by ``field``) if the value breaks a limit in ``limits.py``.

    Called before anything new is inserted, so every route that creates a pacticipant,
    version, branch or tag is covered; the write transaction then rolls back whole.
    """
    problems = name_problems(value, pacticipant=pacticipant)
    if problems:
        raise InvalidInputError({field: [f"{field} {p}" for p in problems]})


def find_pacticipant(db: Connection, name: str) -> PacticipantRecord | None:
    """The pacticipant with this exact name."""
    row = db.execute(_PACTICIPANT + " WHERE p.name = ?", (name,)).fetchone()
    return None if row is None else PacticipantRecord(*row)


def all_pacticipants(db: Connection) -> list[PacticipantRecord]:
    """Every pacticipant, by name."""
    return [PacticipantRecord(*row) for row in db.execute(_PACTICIPANT + " ORDER BY lower(p.name)")]


def pacticipant_names(db: Connection) -> list[str]:
    """The name of every pacticipant, as :func:`all_pacticipants` orders them."""
    return [str(row[0]) for row in db.execute("SELECT name FROM pacticipants ORDER BY lower(name)")]


def main_branches(db: Connection) -> dict[str, str | None]:
    """The main branch of every pacticipant (None where none is set), by name."""
    return dict(db.execute("SELECT name, main_branch FROM pacticipants").fetchall())


def ensure_pacticipant(db: Connection, name: str) -> PacticipantRecord:
    """The pacticipant with this name, created if missing."""
    found = find_pacticipant(db, name)
    if found is not None:
        return found
    check_name("pacticipant name", name, pacticipant=True)
    stamp = now()
    # display_name "" = none given: shown as generate_display_name(name)
    row = db.execute(
        "INSERT INTO pacticipants (name, display_name, created_at, updated_at) VALUES (?,?,?,?)"
        " RETURNING id",
        (name, "", stamp, stamp),
    ).fetchone()
    return PacticipantRecord(row[0], name, "", None, None, stamp, stamp)


def update_pacticipant(
    db: Connection,
    pacticipant_id: int,
    *,
    main_branch: str | None,
    display_name: str | None,
    repository_url: str | None,
    touch: bool = True,
) -> None:
    """Set the editable attributes of a pacticipant (``None`` leaves a field unchanged).

    ``touch=False`` keeps ``updated_at``: the attributes are the ones it was created with.
    """
    if main_branch is not None:
        check_name("mainBranch", main_branch)
    db.execute(
        "UPDATE pacticipants SET main_branch = coalesce(?, main_branch), "
        "display_name = coalesce(?, display_name), "
        "repository_url = coalesce(?, repository_url),"
        " updated_at = CASE WHEN ? THEN ? ELSE updated_at END WHERE id = ?",
        (main_branch, display_name, repository_url, touch, now(), pacticipant_id),
    )


def find_version(db: Connection, pacticipant: str, number: str) -> VersionRecord | None:
    """The version of this pacticipant with this number."""
    row = db.execute(_VERSION + " WHERE p.name = ? AND v.number = ?", (pacticipant, number))
    found = row.fetchone()
    return None if found is None else VersionRecord(*found)


def version_by_id(db: Connection, version_id: int) -> VersionRecord:
    """The version with this id; :class:`VersionNotFoundError` if there is none."""
    row = db.execute(_VERSION + " WHERE v.id = ?", (version_id,)).fetchone()
    if row is None:
        raise VersionNotFoundError(f"no version with id {version_id}")
    return VersionRecord(*row)


def _versions_query(pacticipant: str, tag: str | None) -> tuple[str, tuple[str, ...]]:
    """Versions of a pacticipant (with the tag, if given), newest first."""
    if tag is None:
        return _VERSION + " WHERE p.name = ? ORDER BY v.id DESC", (pacticipant,)
    return (
        _VERSION  # noqa: S608 - constant SQL fragments; values are bound
        + " WHERE p.name = ?"
        " AND EXISTS (SELECT 1 FROM tags t WHERE t.version_id = v.id AND t.name = ?)"
        " ORDER BY v.id DESC",
        (pacticipant, tag),
    )


def latest_version(
    db: Connection, pacticipant: str, tag: str | None = None
) -> VersionRecord | None:
    """The most recently created version of a pacticipant, optionally with a tag."""
    sql, params = _versions_query(pacticipant, tag)
    row = db.execute(sql + " LIMIT 1", params).fetchone()
    return None if row is None else VersionRecord(*row)


def versions_of(db: Connection, pacticipant: str, tag: str | None = None) -> list[VersionRecord]:
    """All versions of a pacticipant, newest first; only those with the tag, if one is given."""
    rows = db.execute(*_versions_query(pacticipant, tag))
    return [VersionRecord(*row) for row in rows]


def ensure_version(
    db: Connection,
    pacticipant: PacticipantRecord,
    number: str,
    build_url: str | None = None,
    *,
    updated: bool = False,
) -> tuple[VersionRecord, bool]:
    """The version, created if missing; the flag says whether it was created now.

    ``updated``: a version created here gets ``updated_at`` (shown as ``updatedAt``), as the
    official broker's versions made by its version, branch, tag and verification resources;
    versions made by publishing a pact have none.
    """
    existing = find_version(db, pacticipant.name, number)
    if existing is not None:
        if build_url and existing.build_url != build_url:
            db.execute("UPDATE versions SET build_url = ? WHERE id = ?", (build_url, existing.id))
            existing = replace(existing, build_url=build_url)
        return existing, False
    check_name("version number", number)
    stamp = now()
    updated_at = stamp if updated else None
    row = db.execute(
        "INSERT INTO versions (pacticipant_id, number, build_url, created_at, updated_at)"
        " VALUES (?,?,?,?,?) RETURNING id",
        (pacticipant.id, number, build_url, stamp, updated_at),
    ).fetchone()
    version = VersionRecord(
        row[0], pacticipant.id, pacticipant.name, number, build_url, stamp, updated_at
    )
    return version, True


def touch_version(db: Connection, version: VersionRecord) -> VersionRecord:
    """Record that a version was updated (``create-or-update-version`` on an existing one)."""
    stamp = now()
    db.execute("UPDATE versions SET updated_at = ? WHERE id = ?", (stamp, version.id))
    return replace(version, updated_at=stamp)


def add_branch_version(db: Connection, version: VersionRecord, branch: str) -> None:
    """Put a version on a branch (creating the branch), and adopt a main branch if none is set.

    Putting it there again records the update (``updated_at``), as the official upsert does.
    """
    check_name("branch name", branch)
    pacticipant_id = version.pacticipant_id
    db.execute(
        "INSERT OR IGNORE INTO branches (pacticipant_id, name, created_at) VALUES (?,?,?)",
        (pacticipant_id, branch, now()),
    )
    branch_id = db.execute(
        "SELECT id FROM branches WHERE pacticipant_id = ? AND name = ?", (pacticipant_id, branch)
    ).fetchone()[0]
    stamp = now()
    db.execute(
        "INSERT INTO branch_versions (branch_id, version_id, created_at) VALUES (?,?,?)"
        " ON CONFLICT (branch_id, version_id) DO UPDATE SET updated_at = excluded.created_at",
        (branch_id, version.id, stamp),
    )
    if branch in MAIN_BRANCH_CANDIDATES:
        db.execute(
            "UPDATE pacticipants SET main_branch = ?, updated_at = ?"
            " WHERE id = ? AND main_branch IS NULL",
            (branch, stamp, pacticipant_id),
        )


def branch_created_at(db: Connection, pacticipant: str, branch: str) -> str | None:
    """When the branch was first used, or ``None`` if it does not exist."""
    row = db.execute(
        "SELECT b.created_at FROM branches b JOIN pacticipants p ON p.id = b.pacticipant_id "
        "WHERE p.name = ? AND b.name = ?",
        (pacticipant, branch),
    ).fetchone()
    return None if row is None else str(row[0])


def branches_of(db: Connection, pacticipant: str) -> list[BranchRecord]:
    """The branches of a pacticipant, newest first (as the official broker lists them)."""
    rows = db.execute(
        "SELECT b.name, b.created_at FROM branches b JOIN pacticipants p ON p.id = b.pacticipant_id"
        " WHERE p.name = ? ORDER BY b.created_at DESC, b.id DESC",
        (pacticipant,),
    )
    return [BranchRecord(str(name), str(created_at)) for name, created_at in rows]


def branch_version_times(
    db: Connection, version_id: int, branch: str
) -> tuple[str, str | None] | None:
    """When the version was put on the branch and last put there again; None if it is not."""
    row = db.execute(
        "SELECT bv.created_at, bv.updated_at FROM branch_versions bv"
        " JOIN branches b ON b.id = bv.branch_id WHERE bv.version_id = ? AND b.name = ?",
        (version_id, branch),
    ).fetchone()
    return None if row is None else (str(row[0]), row[1])


def add_tag(db: Connection, version_id: int, tag: str) -> bool:
    """Tag a version; ``True`` if the tag is new. 400 beyond ``MAX_TAGS_PER_VERSION`` tags."""
    check_name("tag name", tag)
    cursor = db.execute(
        "INSERT OR IGNORE INTO tags (version_id, name, created_at) VALUES (?,?,?)",
        (version_id, tag, now()),
    )
    if cursor.rowcount != 1:
        return False
    count = db.execute("SELECT count(*) FROM tags WHERE version_id = ?", (version_id,)).fetchone()
    if count[0] > MAX_TAGS_PER_VERSION:
        raise InvalidInputError({"tags": [too_many_tags(count[0])]})
    return True


def remove_tag(db: Connection, version_id: int, tag: str) -> bool:
    """Remove a tag from a version; ``False`` if it had no such tag."""
    deleted = db.execute("DELETE FROM tags WHERE version_id = ? AND name = ?", (version_id, tag))
    return deleted.rowcount == 1


def branches_of_version(db: Connection, version_id: int) -> list[BranchOfVersion]:
    """Branches of a version, in the order it was put on them."""
    rows = db.execute(
        "SELECT b.name, (SELECT max(bv2.version_id) FROM branch_versions bv2 "
        "WHERE bv2.branch_id = b.id) = bv.version_id AS latest "
        "FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id "
        "WHERE bv.version_id = ? ORDER BY bv.id",
        (version_id,),
    )
    return [BranchOfVersion(str(name), bool(latest)) for name, latest in rows]


def branch_names_of_version(db: Connection, version_id: int) -> list[str]:
    """Names of the branches of a version, in the order it was put on them."""
    rows = db.execute(
        "SELECT b.name FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id "
        "WHERE bv.version_id = ? ORDER BY bv.id",
        (version_id,),
    )
    return [str(row[0]) for row in rows]


def tags_of_version(db: Connection, version_id: int) -> list[str]:
    """Tag names of a version, oldest first."""
    rows = db.execute(
        "SELECT name FROM tags WHERE version_id = ? ORDER BY created_at", (version_id,)
    ).fetchall()
    return [str(row[0]) for row in rows]


def version_details(db: Connection, version: VersionRecord) -> VersionDetails:
    """A version with its branches, tags and the providers it published pacts for."""
    providers = db.execute(
        "SELECT pr.name FROM pact_publications pub JOIN pacticipants pr ON pr.id = pub.provider_id"
        " WHERE pub.consumer_version_id = ? ORDER BY pr.name",
        (version.id,),
    )
    return VersionDetails(
        version=version,
        branches=tuple(branches_of_version(db, version.id)),
        tags=tuple(tags_of_version(db, version.id)),
        providers=tuple(str(row[0]) for row in providers),
    )


def versions_on_branch(db: Connection, pacticipant: str, branch: str) -> list[VersionRecord]:
    """Versions of a pacticipant on a branch, newest first."""
    rows = db.execute(
        _VERSION + " JOIN branch_versions bv ON bv.version_id = v.id"
        " JOIN branches b ON b.id = bv.branch_id"
        " WHERE p.name = ? AND b.name = ? ORDER BY v.id DESC",
        (pacticipant, branch),
    )
    return [VersionRecord(*row) for row in rows]


def latest_version_on_branch(db: Connection, pacticipant: str, branch: str) -> VersionRecord | None:
    """The newest version of a pacticipant on a branch."""
    row = db.execute(
        _VERSION + " JOIN branch_versions bv ON bv.version_id = v.id"
        " JOIN branches b ON b.id = bv.branch_id"
        " WHERE p.name = ? AND b.name = ? ORDER BY v.id DESC LIMIT 1",
        (pacticipant, branch),
    ).fetchone()
    return None if row is None else VersionRecord(*row)


def environments_of_version(db: Connection, version_id: int) -> tuple[list[str], list[str]]:
    """Names of environments the version is currently deployed to and released to."""
    deployed = db.execute(
        "SELECT DISTINCT e.name FROM deployed_versions d JOIN environments e "
        "ON e.id = d.environment_id WHERE d.version_id = ? AND d.undeployed_at IS NULL",
        (version_id,),
    ).fetchall()
    released = db.execute(
        "SELECT DISTINCT e.name FROM released_versions r JOIN environments e "
        "ON e.id = r.environment_id WHERE r.version_id = ? AND r.support_ended_at IS NULL",
        (version_id,),
    ).fetchall()
    return [str(r[0]) for r in deployed], [str(r[0]) for r in released]


def version_model(db: Connection, version: VersionRecord) -> PacticipantVersion:
    """The plain-data view of a version, with its branches, tags and environments."""
    deployed, released = environments_of_version(db, version.id)
    return PacticipantVersion(
        pacticipant=version.pacticipant,
        number=version.number,
        order=version.id,
        branches=tuple(branch_names_of_version(db, version.id)),
        tags=tuple(tags_of_version(db, version.id)),
        deployed_to=tuple(deployed),
        released_to=tuple(released),
    )


def delete_branch(db: Connection, pacticipant: str, branch: str) -> bool:
    """Remove a branch and its branch-versions (the versions stay); ``False`` if not found."""
    row = db.execute(
        "SELECT b.id FROM branches b JOIN pacticipants p ON p.id = b.pacticipant_id "
        "WHERE p.name = ? AND b.name = ?",
        (pacticipant, branch),
    ).fetchone()
    if row is None:
        return False
    db.execute("DELETE FROM branch_versions WHERE branch_id = ?", (row[0],))
    db.execute("DELETE FROM branches WHERE id = ?", (row[0],))
    return True


def version_of_pacticipant(
    db: Connection, pacticipant: str, version_id: str
) -> VersionRecord | None:
    """The version with this id (as text, e.g. from a URL), if it is one of the pacticipant's."""
    if not version_id.isdigit():
        return None
    row = db.execute(
        _VERSION + " WHERE v.id = ? AND p.name = ?", (int(version_id), pacticipant)
    ).fetchone()
    return None if row is None else VersionRecord(*row)


def current_version_ids(db: Connection, pacticipant_id: int) -> list[int]:
    """Versions of a pacticipant currently deployed or released somewhere."""
    rows = db.execute(
        "SELECT DISTINCT v.id FROM versions v WHERE v.pacticipant_id = ? AND (EXISTS (SELECT 1"
        " FROM deployed_versions d WHERE d.version_id = v.id AND d.undeployed_at IS NULL) OR"
        " EXISTS (SELECT 1 FROM released_versions r WHERE r.version_id = v.id AND"
        " r.support_ended_at IS NULL))",
        (pacticipant_id,),
    )
    return [int(row[0]) for row in rows]


def deployed_version_ids(db: Connection, pacticipant_id: int) -> list[int]:
    """Versions of a pacticipant currently deployed to some environment."""
    rows = db.execute(
        "SELECT DISTINCT version_id FROM deployed_versions d JOIN versions v ON v.id = d.version_id"
        " WHERE v.pacticipant_id = ? AND d.undeployed_at IS NULL",
        (pacticipant_id,),
    )
    return [int(row[0]) for row in rows]


def released_version_ids(db: Connection, pacticipant_id: int) -> list[int]:
    """Versions of a pacticipant released and still supported in some environment."""
    rows = db.execute(
        "SELECT DISTINCT version_id FROM released_versions r JOIN versions v ON v.id = r.version_id"
        " WHERE v.pacticipant_id = ? AND r.support_ended_at IS NULL",
        (pacticipant_id,),
    )
    return [int(row[0]) for row in rows]


def version_number(db: Connection, version_id: int) -> str | None:
    """The number of a version, by id."""
    row = db.execute("SELECT number FROM versions WHERE id = ?", (version_id,)).fetchone()
    return None if row is None else str(row[0])


def integrated_pacticipants(db: Connection, name: str) -> list[str]:
    """Names of pacticipants that share a pact with this one, as consumer or provider."""
    # One index probe per pacticipant, whatever the number of stored pacts.
    rows = db.execute(
        "SELECT p.name FROM pacticipants p, pacticipants me WHERE me.name = ? AND p.id != me.id"
        " AND (EXISTS (SELECT 1 FROM pact_versions pv WHERE pv.consumer_id = me.id"
        " AND pv.provider_id = p.id) OR EXISTS (SELECT 1 FROM pact_versions pv"
        " WHERE pv.provider_id = me.id AND pv.consumer_id = p.id)) ORDER BY p.name",
        (name,),
    )
    return [str(row[0]) for row in rows]
