"""The provider states a provider must support, gathered from the pacts a selector picks.

As the official broker's ``/pacts/provider/{p}/provider-states`` lists them: one entry per
distinct (name, params) pair, with the consumers whose pacts use it in the order their pacts
were picked, sorted by state name.
"""

import json
from collections.abc import Iterable
from typing import Any


def states_in_pact(pact: object) -> list[tuple[str, Any]]:
    """(name, params) of every provider state of every interaction or message, in order.

    ``params`` is ``None`` when a state has none (and for the pact v2 ``providerState``).
    """
    if not isinstance(pact, dict):
        return []
    found: list[tuple[str, Any]] = []
    for key in ("interactions", "messages"):
        entries = pact.get(key)
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            if isinstance(entry.get("providerState"), str):
                found.append((entry["providerState"], None))
            elif isinstance(entry.get("providerStates"), list):
                found.extend(
                    (str(state.get("name")), state.get("params"))
                    for state in entry["providerStates"]
                    if isinstance(state, dict)
                )
    return found


def provider_states(pacts: Iterable[tuple[str, object]]) -> list[dict[str, Any]]:
    """The ``providerStates`` list for (consumer name, pact content) pairs in selection order."""
    consumers: dict[tuple[str, str], list[str]] = {}
    params_of: dict[tuple[str, str], Any] = {}
    for consumer, pact in pacts:
        for name, params in states_in_pact(pact):
            key = (name, json.dumps(params, sort_keys=True))
            params_of[key] = params
            listed = consumers.setdefault(key, [])
            if consumer not in listed:
                listed.append(consumer)
    entries: list[dict[str, Any]] = []
    for key in sorted(consumers, key=lambda k: k[0]):
        entry: dict[str, Any] = {"name": key[0]}
        if params_of[key] is not None:
            entry["params"] = params_of[key]
        entry["consumers"] = consumers[key]
        entries.append(entry)
    return entries
