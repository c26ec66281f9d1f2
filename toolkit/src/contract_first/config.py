"""One configuration: ``[tool.contract-first]`` in ``pyproject.toml``, flags and environment on top.

Example (paths are relative to the file that holds them)::

    [tool.contract-first]
    pacts = "pacts"

    [tool.contract-first.pacticipants.user-service]
    role = "provider"
    app = "user_service.app:create_app"      # an ASGI app, or a factory returning one
    states = "tests.provider_states:states"  # a mapping, or a callable taking the app
    spec = "openapi/openapi.json"
    client = "generated_client"
    client-config = "openapi/client-config.yaml"
    env = { USER_SERVICE_DATABASE_PATH = "{scratch}/users.sqlite3" }

    [tool.contract-first.pacticipants.notification-service]
    role = "consumer"

Broker settings come from the environment under the official Pact names
(``PACT_BROKER_BASE_URL``, ``PACT_BROKER_TOKEN``, ...), which override the ``broker`` table;
secrets are never read from the file.
"""

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contract_first.errors import UsageError

CONFIG_ENV = "CONTRACT_FIRST_CONFIG"
Role = Literal["consumer", "provider"]


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class _PacticipantTable(_Table):
    role: Role
    app: str | None = None
    states: str | None = None
    source: str | None = None
    spec: str | None = None
    client: str | None = None
    client_config: str | None = Field(default=None, alias="client-config")
    env: dict[str, str] = Field(default_factory=dict)


class _BrokerTable(_Table):
    base_url: str | None = Field(default=None, alias="base-url")
    include_wip_pacts_since: str | None = Field(default=None, alias="include-wip-pacts-since")


class _CatchMatrixTable(_Table):
    catalogue: str
    output: str = "docs/catch-matrix.md"


class _ToolTable(_Table):
    pacts: str = "pacts"
    pacticipants: dict[str, _PacticipantTable] = Field(default_factory=dict)
    broker: _BrokerTable = Field(default_factory=_BrokerTable)
    catch_matrix: _CatchMatrixTable | None = Field(default=None, alias="catch-matrix")


@dataclass(frozen=True)
class Pacticipant:
    """A consumer or provider by its broker name; a provider also says how to run it."""

    name: str
    role: Role
    app: str | None = None
    states: str | None = None
    source: Path | None = None
    spec: Path | None = None
    client: Path | None = None
    client_config: Path | None = None
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CatchMatrixSettings:
    """Where the catalogue of provider changes is, and where the matrix is written."""

    catalogue: Path
    output: Path


@dataclass(frozen=True)
class Config:
    """Everything the verbs need to know about this repository; empty when there is no file."""

    root: Path
    source: Path | None = None
    pacts: Path = Path("pacts")
    pacticipants: Mapping[str, Pacticipant] = field(default_factory=dict)
    broker_base_url: str | None = None
    include_wip_pacts_since: str | None = None
    catch_matrix: CatchMatrixSettings | None = None

    def pacticipant(self, name: str) -> Pacticipant:
        """The named pacticipant; an unknown name is a usage error that lists the known ones."""
        if name in self.pacticipants:
            return self.pacticipants[name]
        raise UsageError(f"unknown pacticipant {name!r}: {self._known()}")

    def provider(self, name: str | None = None) -> Pacticipant:
        """The named provider, or the only one configured when no name is given."""
        if name is not None:
            chosen = self.pacticipant(name)
            if chosen.role != "provider":
                raise UsageError(f"{name!r} is a {chosen.role}, not a provider: {self._known()}")
            return chosen
        providers = [p for p in self.pacticipants.values() if p.role == "provider"]
        if len(providers) == 1:
            return providers[0]
        if not providers:
            raise UsageError(
                f"no provider is configured{self._where()}: pass --provider NAME, or add "
                '[tool.contract-first.pacticipants.NAME] with role = "provider"'
            )
        raise UsageError(f"several providers are configured; pass --provider: {self._known()}")

    def _known(self) -> str:
        if not self.pacticipants:
            return f"no pacticipants are configured{self._where()}"
        listed = ", ".join(f"{p.name} ({p.role})" for p in self.pacticipants.values())
        return f"known pacticipants are {listed}"

    def _where(self) -> str:
        return (
            f" in {self.source}"
            if self.source
            else " (no pyproject.toml with [tool.contract-first])"
        )


def load_config(path: Path | None = None, start: Path | None = None) -> Config:
    """Read the configuration from ``path``, ``$CONTRACT_FIRST_CONFIG``, or the nearest file.

    The nearest file is the first ``pyproject.toml`` with a ``[tool.contract-first]`` table,
    from ``start`` (the current directory) upwards. With none, the configuration is empty and
    every verb works from its flags alone.
    """
    explicit = path or (Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV) else None)
    if explicit is not None:
        table = _tool_table(explicit)
        if table is None:
            raise UsageError(f"{explicit} has no [tool.contract-first] table")
        return _parse(explicit, table)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            table = _tool_table(candidate)
            if table is not None:
                return _parse(candidate, table)
    return Config(root=here)


def _tool_table(path: Path) -> dict[str, object] | None:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from error
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path} is not valid TOML: {error}") from error
    table = document.get("tool", {}).get("contract-first")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [tool.contract-first] must be a table")
    return table


def describe(error: ValidationError) -> str:
    """Each problem as ``key.path: what is wrong``, joined: one line for a TOML table."""
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or '(top level)'}: {problem['msg']}"
        for problem in error.errors()
    )


def _parse(path: Path, table: dict[str, object]) -> Config:
    try:
        tool = _ToolTable.model_validate(table)
    except ValidationError as error:
        raise UsageError(f"{path} [tool.contract-first]: {describe(error)}") from None
    root = path.resolve().parent

    def resolved(value: str | None) -> Path | None:
        return None if value is None else root / value

    pacticipants = {
        name: Pacticipant(
            name=name,
            role=entry.role,
            app=entry.app,
            states=entry.states,
            source=resolved(entry.source),
            spec=resolved(entry.spec),
            client=resolved(entry.client),
            client_config=resolved(entry.client_config),
            env=dict(entry.env),
        )
        for name, entry in tool.pacticipants.items()
    }
    matrix = tool.catch_matrix
    return Config(
        root=root,
        source=path,
        pacts=root / tool.pacts,
        pacticipants=pacticipants,
        broker_base_url=tool.broker.base_url,
        include_wip_pacts_since=tool.broker.include_wip_pacts_since,
        catch_matrix=(
            CatchMatrixSettings(root / matrix.catalogue, root / matrix.output) if matrix else None
        ),
    )
