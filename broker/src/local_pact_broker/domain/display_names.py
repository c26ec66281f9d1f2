"""Default display names, as the official broker derives them from names (pure).

The official broker (``PactBroker::Pacticipants::GenerateDisplayName``) gives a pacticipant or
an environment without a display name one made from its name: words split at ``-``, ``_``,
``.``, spaces and camel-case humps, each capitalised unless it is all capitals or all digits
("notification-service" → "Notification Service", "staging" → "Staging", "uat2" → "Uat2").
"""

import re


def _capitalise(word: str) -> str:
    if word.isdigit() or (word.isalpha() and word.isupper()):
        return word
    return word[:1].upper() + word[1:].lower()


def generate_display_name(name: str) -> str:
    """The display name the official broker shows for ``name`` when none was given."""
    spaced = re.sub(r"([A-Z])([A-Z])([a-z])", r"\1 \2\3", name)
    spaced = re.sub(r"([a-z\d])([A-Z])(\S)", r"\1 \2\3", spaced)
    spaced = re.sub(r"[\-_\s.]+", " ", spaced)
    return " ".join(_capitalise(word) for word in spaced.split())


def display_name(name: str, stored: str | None) -> str:
    """The stored display name, or when it is empty the default derived from ``name``."""
    if stored and stored.strip():
        return stored
    return generate_display_name(name)
