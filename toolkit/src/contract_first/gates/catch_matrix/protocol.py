"""What the engine and a worker say to each other: the job in, one result per gate out, as JSON.

The engine runs each change in a fresh ``python -m contract_first.gates.catch_matrix.worker``
whose import path starts with the changed source. On the worker's stdin: the job (one line
of JSON), then ``go`` once the warm mypy cache is ready. On its stdout: the ``GateResult``s.
Nothing here imports the provider.
"""

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

GO = "go"  # the second line on a worker's stdin: the warm mypy cache is ready to copy

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


@dataclass(frozen=True)
class Job:
    """Everything one worker needs to run the four gates against one changed provider.

    ``scratch/src`` holds the changed copy of the provider's source; the worker writes its
    spec, client, mypy cache and log next to it.
    """

    scratch: Path
    provider: str
    app: str
    states: str | None
    env: Mapping[str, str]
    pacts: Path
    client_config: Path | None
    committed_spec: Path
    committed_client: Path
    spec_label: str
    client_label: str
    consumer_sources: tuple[Path, ...]
    mypy_cache: Path

    @property
    def source(self) -> Path:
        """The changed copy of the provider's source folder."""
        return self.scratch / "src"

    @property
    def log(self) -> Path:
        """Where the worker's own output (verifier, uvicorn, tracebacks) goes."""
        return self.scratch / "gates.log"

    def to_json(self) -> str:
        """The job as the worker reads it on stdin."""
        return json.dumps(
            {
                "scratch": str(self.scratch),
                "provider": self.provider,
                "app": self.app,
                "states": self.states,
                "env": dict(self.env),
                "pacts": str(self.pacts),
                "client_config": None if self.client_config is None else str(self.client_config),
                "committed_spec": str(self.committed_spec),
                "committed_client": str(self.committed_client),
                "spec_label": self.spec_label,
                "client_label": self.client_label,
                "consumer_sources": [str(path) for path in self.consumer_sources],
                "mypy_cache": str(self.mypy_cache),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> "Job":
        """The job the engine wrote with ``to_json``."""
        raw = json.loads(text)

        def optional_path(value: object) -> Path | None:
            return None if value is None else Path(str(value))

        return cls(
            scratch=Path(raw["scratch"]),
            provider=str(raw["provider"]),
            app=str(raw["app"]),
            states=None if raw["states"] is None else str(raw["states"]),
            env={str(k): str(v) for k, v in raw["env"].items()},
            pacts=Path(raw["pacts"]),
            client_config=optional_path(raw["client_config"]),
            committed_spec=Path(raw["committed_spec"]),
            committed_client=Path(raw["committed_client"]),
            spec_label=str(raw["spec_label"]),
            client_label=str(raw["client_label"]),
            consumer_sources=tuple(Path(p) for p in raw["consumer_sources"]),
            mypy_cache=Path(raw["mypy_cache"]),
        )


def results_to_json(results: Mapping[str, GateResult]) -> str:
    """``{gate: {"caught": ..., "evidence": ...}}``: what the worker prints."""
    return json.dumps({gate: asdict(result) for gate, result in results.items()})


def results_from_json(text: str) -> dict[str, GateResult]:
    """The worker's answer read back in the order of ``GATES``; ValueError or TypeError if bad."""
    document = json.loads(text)
    if not isinstance(document, Mapping) or set(document) != set(GATES):
        raise ValueError(f"expected one result for each of {', '.join(GATES)}, got {document!r}")
    results = {}
    for gate in GATES:
        entry = document[gate]
        caught = entry.get("caught") if isinstance(entry, Mapping) else None
        evidence = entry.get("evidence") if isinstance(entry, Mapping) else None
        if not isinstance(caught, bool) or not isinstance(evidence, str):
            raise TypeError(f"gate {gate!r}: expected caught and evidence, got {entry!r}")
        results[gate] = GateResult(caught=caught, evidence=evidence)
    return results
