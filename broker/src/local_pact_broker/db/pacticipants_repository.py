"""SQL for pacticipants, their versions, branches and tags."""

import sqlite3

from local_pact_broker.api.errors import validation_failed
from local_pact_broker.domain.limits import MAX_TAGS_PER_VERSION, name_problems, too_many_tags
from local_pact_broker.domain.models import PacticipantVersion
from local_pact_broker.domain.timestamps import now

MAIN_BRANCH_CANDIDATES = ("main", "master", "develop")


def check_name(field: str, value: str, *, pacticipant: bool = False) -> None:
    """400 (``errors`` keyed by ``field``) if the value breaks a limit in ``limits.py``.

    Called before anything new is inserted, so every route that creates a pacticipant,
    version, branch or tag is covered; the write transaction then rolls back whole.
    """
    problems = name_problems(value, pacticipant=pacticipant)
    if problems:
        raise validation_failed({field: [f"{field} {p}" for p in problems]})


def find_pacticipant(db: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    """The pacticipant row with this exact name."""
    row: sqlite3.Row | None = db.execute(
        "SELECT * FROM pacticipants WHERE name = ?", (name,)
    ).fetchone()
    return row


def all_pacticipants(db: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every pacticipant, by name."""
    return db.execute("SELECT * FROM pacticipants ORDER BY lower(name)").fetchall()


def ensure_pacticipant(db: sqlite3.Connection, name: str) -> sqlite3.Row:
    """The pacticipant with this name, created if missing."""
    row = find_pacticipant(db, name)
    if row is not None:
        return row
    check_name("pacticipant name", name, pacticipant=True)
    stamp = now()
    db.execute(
        "INSERT INTO pacticipants (name, display_name, created_at, updated_at) VALUES (?,?,?,?)",
        (name, "", stamp, stamp),  # "" = none given: shown as generate_display_name(name)
    )
    created = find_pacticipant(db, name)
    assert created is not None  # noqa: S101 - just inserted in this transaction
    return created


def update_pacticipant(
    db: sqlite3.Connection,
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


def find_version(db: sqlite3.Connection, pacticipant: str, number: str) -> sqlite3.Row | None:
    """The version row (with ``pacticipant_name``) for this pacticipant and number."""
    row: sqlite3.Row | None = db.execute(
        "SELECT v.*, p.name AS pacticipant_name FROM versions v "
        "JOIN pacticipants p ON p.id = v.pacticipant_id WHERE p.name = ? AND v.number = ?",
        (pacticipant, number),
    ).fetchone()
    return row


def version_by_id(db: sqlite3.Connection, version_id: int) -> sqlite3.Row:
    """The version row (with ``pacticipant_name``) with this id; it must exist."""
    row: sqlite3.Row = db.execute(
        "SELECT v.*, p.name AS pacticipant_name FROM versions v "
        "JOIN pacticipants p ON p.id = v.pacticipant_id WHERE v.id = ?",
        (version_id,),
    ).fetchone()
    return row


def latest_version(
    db: sqlite3.Connection, pacticipant: str, tag: str | None = None
) -> sqlite3.Row | None:
    """The most recently created version of a pacticipant, optionally with a tag."""
    sql = (
        "SELECT v.*, p.name AS pacticipant_name FROM versions v "
        "JOIN pacticipants p ON p.id = v.pacticipant_id WHERE p.name = ?"
    )
    params: tuple[str, ...] = (pacticipant,)
    if tag is not None:
        sql += " AND EXISTS (SELECT 1 FROM tags t WHERE t.version_id = v.id AND t.name = ?)"
        params = (pacticipant, tag)
    row: sqlite3.Row | None = db.execute(sql + " ORDER BY v.id DESC LIMIT 1", params).fetchone()
    return row


def versions_of(db: sqlite3.Connection, pacticipant: str) -> list[sqlite3.Row]:
    """All versions of a pacticipant, newest first."""
    return db.execute(
        "SELECT v.*, p.name AS pacticipant_name FROM versions v "
        "JOIN pacticipants p ON p.id = v.pacticipant_id WHERE p.name = ? ORDER BY v.id DESC",
        (pacticipant,),
    ).fetchall()


def ensure_version(
    db: sqlite3.Connection,
    pacticipant: sqlite3.Row,
    number: str,
    build_url: str | None = None,
    *,
    updated: bool = False,
) -> tuple[sqlite3.Row, bool]:
    """The version, created if missing; the flag says whether it was created now.

    ``updated``: a version created here gets ``updated_at`` (shown as ``updatedAt``), as the
    official broker's versions made by its version, branch, tag and verification resources;
    versions made by publishing a pact have none.
    """
    existing = find_version(db, pacticipant["name"], number)
    if existing is not None:
        if build_url and existing["build_url"] != build_url:
            db.execute(
                "UPDATE versions SET build_url = ? WHERE id = ?", (build_url, existing["id"])
            )
        row = find_version(db, pacticipant["name"], number)
        assert row is not None  # noqa: S101
        return row, False
    check_name("version number", number)
    stamp = now()
    db.execute(
        "INSERT INTO versions (pacticipant_id, number, build_url, created_at, updated_at)"
        " VALUES (?,?,?,?,?)",
        (pacticipant["id"], number, build_url, stamp, stamp if updated else None),
    )
    row = find_version(db, pacticipant["name"], number)
    assert row is not None  # noqa: S101
    return row, True


def touch_version(db: sqlite3.Connection, version_id: int) -> None:
    """Record that a version was updated (``create-or-update-version`` on an existing one)."""
    db.execute("UPDATE versions SET updated_at = ? WHERE id = ?", (now(), version_id))


def add_branch_version(db: sqlite3.Connection, version: sqlite3.Row, branch: str) -> None:
    """Put a version on a branch (creating the branch), and adopt a main branch if none is set.

    Putting it there again records the update (``updated_at``), as the official upsert does.
    """
    check_name("branch name", branch)
    pacticipant_id = version["pacticipant_id"]
    db.execute(
        "INSERT OR IGNORE INTO branches (pacticipant_id, name, created_at) VALUES (?,?,?)",
        (pacticipant_id, branch, now()),
    )
    branch_id = db.execute(
        "SELECT id FROM branches WHERE pacticipant_id = ? AND name = ?", (pacticipant_id, branch)
    ).fetchone()["id"]
    stamp = now()
    db.execute(
        "INSERT INTO branch_versions (branch_id, version_id, created_at) VALUES (?,?,?)"
        " ON CONFLICT (branch_id, version_id) DO UPDATE SET updated_at = excluded.created_at",
        (branch_id, version["id"], stamp),
    )
    if branch in MAIN_BRANCH_CANDIDATES:
        db.execute(
            "UPDATE pacticipants SET main_branch = ?, updated_at = ?"
            " WHERE id = ? AND main_branch IS NULL",
            (branch, stamp, pacticipant_id),
        )


def branch_created_at(db: sqlite3.Connection, pacticipant: str, branch: str) -> str | None:
    """When the branch was first used, or ``None`` if it does not exist."""
    row = db.execute(
        "SELECT b.created_at FROM branches b JOIN pacticipants p ON p.id = b.pacticipant_id "
        "WHERE p.name = ? AND b.name = ?",
        (pacticipant, branch),
    ).fetchone()
    return None if row is None else str(row["created_at"])


def add_tag(db: sqlite3.Connection, version_id: int, tag: str) -> bool:
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
        raise validation_failed({"tags": [too_many_tags(count[0])]})
    return True


def branches_of_version(db: sqlite3.Connection, version_id: int) -> list[sqlite3.Row]:
    """Branch rows of a version, with ``latest`` telling if it is the branch's newest version."""
    return db.execute(
        "SELECT b.name, b.id, (SELECT max(bv2.version_id) FROM branch_versions bv2 "
        "WHERE bv2.branch_id = b.id) = bv.version_id AS latest "
        "FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id "
        "WHERE bv.version_id = ? ORDER BY bv.id",
        (version_id,),
    ).fetchall()


def tags_of_version(db: sqlite3.Connection, version_id: int) -> list[str]:
    """Tag names of a version, oldest first."""
    rows = db.execute(
        "SELECT name FROM tags WHERE version_id = ? ORDER BY created_at", (version_id,)
    ).fetchall()
    return [str(r["name"]) for r in rows]


def versions_on_branch(db: sqlite3.Connection, pacticipant: str, branch: str) -> list[sqlite3.Row]:
    """Versions of a pacticipant on a branch, newest first."""
    return db.execute(
        "SELECT v.*, p.name AS pacticipant_name FROM versions v "
        "JOIN pacticipants p ON p.id = v.pacticipant_id "
        "JOIN branch_versions bv ON bv.version_id = v.id JOIN branches b ON b.id = bv.branch_id "
        "WHERE p.name = ? AND b.name = ? ORDER BY v.id DESC",
        (pacticipant, branch),
    ).fetchall()


def environments_of_version(db: sqlite3.Connection, version_id: int) -> tuple[list[str], list[str]]:
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
    return [str(r["name"]) for r in deployed], [str(r["name"]) for r in released]


def version_model(db: sqlite3.Connection, version: sqlite3.Row) -> PacticipantVersion:
    """The plain-data view of a version row, with its branches, tags and environments."""
    deployed, released = environments_of_version(db, version["id"])
    return PacticipantVersion(
        pacticipant=version["pacticipant_name"],
        number=version["number"],
        order=version["id"],
        branches=tuple(str(b["name"]) for b in branches_of_version(db, version["id"])),
        tags=tuple(tags_of_version(db, version["id"])),
        deployed_to=tuple(deployed),
        released_to=tuple(released),
    )


def delete_branch(db: sqlite3.Connection, pacticipant: str, branch: str) -> bool:
    """Remove a branch and its branch-versions (the versions stay); ``False`` if not found."""
    row = db.execute(
        "SELECT b.id FROM branches b JOIN pacticipants p ON p.id = b.pacticipant_id "
        "WHERE p.name = ? AND b.name = ?",
        (pacticipant, branch),
    ).fetchone()
    if row is None:
        return False
    db.execute("DELETE FROM branch_versions WHERE branch_id = ?", (row["id"],))
    db.execute("DELETE FROM branches WHERE id = ?", (row["id"],))
    return True


def version_of_pacticipant(
    db: sqlite3.Connection, pacticipant: str, version_id: str
) -> sqlite3.Row | None:
    """The version with this id (as text, e.g. from a URL), if it is one of the pacticipant's."""
    if not version_id.isdigit():
        return None
    row: sqlite3.Row | None = db.execute(
        "SELECT v.*, p.name AS pacticipant_name FROM versions v"
        " JOIN pacticipants p ON p.id = v.pacticipant_id WHERE v.id = ? AND p.name = ?",
        (int(version_id), pacticipant),
    ).fetchone()
    return row
