"""Reading consumers' pact files before verification, to refuse runs that would prove nothing."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class PactSetupError(AssertionError):
    """The verification cannot start: no pacts, no interactions, or states nobody handles."""


@dataclass(frozen=True)
class PactFile:
    """One consumer's pact with the provider, as read from disk."""

    path: Path
    consumer: str
    provider: str
    interactions: tuple[dict[str, Any], ...]

    def interaction(self, description: str) -> dict[str, Any] | None:
        """The interaction with this description, if the pact has one."""
        return next((i for i in self.interactions if i.get("description") == description), None)


def load_pacts_for(provider: str, directory: Path) -> list[PactFile]:
    """Every pact in ``directory`` whose provider is ``provider``; raise if there is none."""
    if not directory.is_dir():
        raise PactSetupError(
            f"no pact directory at {directory}: run `just pact` to write the consumers' pacts"
        )
    found: list[PactFile] = []
    others: list[str] = []
    for path in sorted(directory.glob("*.json")):
        pact = _read(path)
        if pact.provider == provider:
            found.append(pact)
        else:
            others.append(f"{path.name} (provider {pact.provider!r})")
    if not found:
        seen = "; other pacts there: " + ", ".join(others) if others else ""
        raise PactSetupError(
            f"no pact for provider {provider!r} in {directory}{seen}. "
            "A verification of nothing is not a pass: run `just pact` first."
        )
    empty = [p.path.name for p in found if not p.interactions]
    if empty:
        raise PactSetupError(
            f"pacts with no interactions for {provider!r}: {', '.join(empty)}. "
            "The consumer tests wrote an empty contract; check that they ran."
        )
    return found


def _read(path: Path) -> PactFile:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return PactFile(
            path=path,
            consumer=str(document["consumer"]["name"]),
            provider=str(document["provider"]["name"]),
            interactions=tuple(document.get("interactions", ())),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise PactSetupError(f"{path} is not a readable pact file: {error!r}") from error


def state_names(interaction: dict[str, Any]) -> list[str]:
    """The provider states an interaction is given, in V2 (``providerState``) or V3+ form."""
    states = [str(s["name"]) for s in interaction.get("providerStates", ()) if "name" in s]
    if "providerState" in interaction:
        states.append(str(interaction["providerState"]))
    return states


def check_states_handled(pacts: Iterable[PactFile], handled: Iterable[str]) -> None:
    """Raise, listing every state with no handler and who needs it, before anything replays."""
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
        raise PactSetupError(
            "provider states named in the pacts have no handler:\n"
            + "\n".join(lines)
            + f"\nhandled states: {', '.join(sorted(known)) or 'none'}. "
            "Add a handler to provider/tests/provider_states.py."
        )
