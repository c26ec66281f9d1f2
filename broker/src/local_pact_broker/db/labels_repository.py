"""SQL for pacticipant labels: a name attached to a pacticipant (``team-a``, ``backend``)."""

from local_pact_broker.db.pacticipants_repository import check_name
from local_pact_broker.db.records import PACTICIPANT_COLUMNS, LabelRecord, PacticipantRecord
from local_pact_broker.db.storage import Connection
from local_pact_broker.domain.timestamps import now

_LABEL = (
    "SELECT p.name, l.name, l.created_at, l.updated_at FROM labels l"
    " JOIN pacticipants p ON p.id = l.pacticipant_id"
)


def find_label(db: Connection, pacticipant: str, label: str) -> LabelRecord | None:
    """The label of this pacticipant, if it has it."""
    row = db.execute(_LABEL + " WHERE p.name = ? AND l.name = ?", (pacticipant, label)).fetchone()
    return None if row is None else LabelRecord(*row)


def labels_of(db: Connection, pacticipant: str) -> list[LabelRecord]:
    """A pacticipant's labels, by name."""
    rows = db.execute(_LABEL + " WHERE p.name = ? ORDER BY l.name", (pacticipant,))
    return [LabelRecord(*row) for row in rows]


def add_label(db: Connection, pacticipant: PacticipantRecord, label: str) -> bool:
    """Label a pacticipant; ``True`` if the label is new. 400 for a name beyond the limits."""
    check_name("label name", label)
    stamp = now()
    cursor = db.execute(
        "INSERT OR IGNORE INTO labels (pacticipant_id, name, created_at, updated_at)"
        " VALUES (?,?,?,?)",
        (pacticipant.id, label, stamp, stamp),
    )
    return cursor.rowcount == 1


def remove_label(db: Connection, pacticipant: str, label: str) -> bool:
    """Remove a label; ``False`` if the pacticipant did not have it."""
    deleted = db.execute(
        "DELETE FROM labels WHERE name = ?"
        " AND pacticipant_id = (SELECT id FROM pacticipants WHERE name = ?)",
        (label, pacticipant),
    )
    return deleted.rowcount == 1


def pacticipants_with_label(db: Connection, label: str) -> list[PacticipantRecord]:
    """The pacticipants that have this label, by name."""
    rows = db.execute(
        f"SELECT {PACTICIPANT_COLUMNS} FROM pacticipants p"  # noqa: S608 - constant columns
        " WHERE EXISTS (SELECT 1 FROM labels l WHERE l.pacticipant_id = p.id AND l.name = ?)"
        " ORDER BY p.name",
        (label,),
    )
    return [PacticipantRecord(*row) for row in rows]
