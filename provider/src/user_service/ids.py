"""Ids as clients write them: plain decimal text for a positive, signed 64-bit integer.

SQLite stores ids as signed 64-bit integers, so a larger id overflows (a 500), and pydantic's
lax int also accepts ``01``, ``+1``, ``1.0``, ``1_000`` and surrounding spaces (Python's
``int()`` even non-ASCII digits). One id, one spelling: anything else is a 422.

FastAPI cannot use ``strict`` ints for path parameters (the raw value is always a string, so a
strict int refuses every id), so the raw text is checked before pydantic parses it.
"""

import re

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

MIN_ID = 1
MAX_ID = 2**63 - 1

# No sign, no leading zero, ASCII digits only ([0-9], not \d), at most 19 digits: int() then
# never sees a long string, and the range check below is all that is left.
_CANONICAL_ID = re.compile(r"[1-9][0-9]{0,18}")

USER_ID_RULE = (
    f"a user id is a whole number from {MIN_ID} to {MAX_ID}, written in plain ASCII digits "
    "with no sign, leading zeros, decimal point or spaces"
)


def parse_canonical_id(text: str) -> int | None:
    """The id ``text`` spells canonically, or None when it is not one (or out of range)."""
    if _CANONICAL_ID.fullmatch(text) is None:
        return None
    value = int(text)
    return value if value <= MAX_ID else None


def _canonical_user_id(value: object) -> object:
    # Path parameters always arrive as text; anything else is left to pydantic's int checks.
    if not isinstance(value, str):
        return value
    parsed = parse_canonical_id(value)
    if parsed is None:
        raise PydanticCustomError("value_error", USER_ID_RULE)
    return parsed


# Put after the parameter's ``Path(ge=MIN_ID, le=MAX_ID)``, in ``Annotated[int, Path(...), here]``:
# the spec then says integer, minimum 1, maximum 2^63-1, while the request's raw text must be
# canonical. (FastAPI 0.165 writes ``ge``/``le`` into the schema verbatim, not as ``minimum``/
# ``maximum``, when such a validator comes before the ``Path``.)
CANONICAL_USER_ID = BeforeValidator(_canonical_user_id)
