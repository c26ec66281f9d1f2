"""Refuse a verification that would prove nothing, before anything is replayed.

An empty pact, or an interaction whose provider state nobody handles, would otherwise pass
or fail for reasons that have nothing to do with the contract.
"""

from collections.abc import Iterable, Sequence

from contract_first.errors import UsageError
from contract_first.pact_file import PactFile, state_names


def check_pacts(pacts: Sequence[PactFile], provider: str, handled: Iterable[str]) -> None:
    """Every pact has interactions, and every state a blocking pact names has a handler."""
    empty = [pact.source for pact in pacts if not pact.interactions]
    if empty:
        raise UsageError(
            f"pacts with no interactions for {provider!r}: {', '.join(empty)}. "
            "The consumer tests wrote an empty contract; check that they ran"
        )
    check_states_handled([pact for pact in pacts if not pact.pending], handled)


def check_states_handled(pacts: Iterable[PactFile], handled: Iterable[str]) -> None:
    """Raise, listing every state with no handler and who needs it.

    Pending pacts are left out by the caller: a state they need but nobody handles yet fails
    their interaction on its own, as pending, without blocking the build.
    """
    known = set(handled)
    missing: dict[str, list[str]] = {}
    for pact in pacts:
        for interaction in pact.interactions:
            for state in state_names(interaction):
                if state not in known:
                    user = f"{pact.consumer}: {interaction.get('description')!r}"
                    missing.setdefault(state, []).append(user)
    if missing:
        lines = [
            f"  - {state!r} (needed by {'; '.join(users)})" for state, users in missing.items()
        ]
        raise UsageError(
            "provider states named in the pacts have no handler:\n"
            + "\n".join(lines)
            + f"\nhandled states: {', '.join(sorted(known)) or 'none'}. "
            "Add a handler for each to the mapping --states names"
        )
