"""Plain data the broker's rules work on, loaded from storage and free of SQL and HTTP."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Pacticipant:
    """An application taking part in contracts, as consumer, provider or both."""

    name: str
    main_branch: str | None = None


@dataclass(frozen=True)
class PacticipantVersion:
    """One version of a pacticipant; ``order`` grows with creation, so larger is later."""

    pacticipant: str
    number: str
    order: int
    branches: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    deployed_to: tuple[str, ...] = ()
    released_to: tuple[str, ...] = ()

    @property
    def environments(self) -> tuple[str, ...]:
        """Environments this version is currently deployed or released to."""
        return tuple(dict.fromkeys(self.deployed_to + self.released_to))


@dataclass(frozen=True)
class Publication:
    """A pact published by one consumer version for one provider."""

    consumer_version: PacticipantVersion
    provider: str
    pact_sha: str
    created_at: str

    @property
    def consumer(self) -> str:
        """Name of the consumer that published the pact."""
        return self.consumer_version.pacticipant


@dataclass(frozen=True)
class Verification:
    """The result of one provider version verifying one pact content (by sha)."""

    id: int
    consumer: str
    provider: str
    pact_sha: str
    provider_version: PacticipantVersion
    success: bool
    created_at: str
