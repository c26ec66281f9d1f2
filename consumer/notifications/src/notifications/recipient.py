"""What the notification service needs to know about a user: who to address, and where."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Recipient:
    """A user, as far as addressing a notification goes."""

    id: int
    name: str
    email: str

    @property
    def address(self) -> str:
        """The RFC 5322 style ``Name <email>`` line for the ``To:`` header."""
        return f"{self.name} <{self.email}>"
