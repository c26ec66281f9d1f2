"""What signing someone up comes to: the user they are, and whether this signup created them."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Registration:
    """A signed-up user, as the user service holds them.

    ``already_registered`` is true when the email belonged to a user before this signup: the
    caller then gets that user (whose name may differ from the one just given), not a new one.
    ``location`` is the new user's URL from the service's ``Location`` header; ``None`` when
    nothing was created.
    """

    id: int
    name: str
    email: str
    already_registered: bool
    location: str | None = None

    @property
    def address(self) -> str:
        """The RFC 5322 style ``Name <email>`` line, for a welcome message."""
        return f"{self.name} <{self.email}>"
