"""The gates of the catch matrix, and what one gate said about one change.

Shared by the worker that runs the gates (``change_gates``) and the table (``catch_matrix``),
which must agree on the gates' keys without the table importing the provider.
"""

from dataclasses import dataclass

# key -> column heading, in the order the gates run in CI
GATES = {
    "drift": "spec drift",
    "types": "consumer types",
    "pact": "pact verification",
    "spec": "pacts vs spec",
}


@dataclass(frozen=True)
class GateResult:
    """Whether a gate failed (caught the change), and its first words about why."""

    caught: bool
    evidence: str
