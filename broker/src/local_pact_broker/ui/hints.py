"""What to run next, as ``just`` verbs a person can paste into this repository's shell.

Names go through ``shlex.quote``, so a pacticipant called ``my app`` gives a command that
works as pasted; the template escapes the result like any other text.
"""

import shlex

PUBLISH = "just publish"
"""Publish pacts/ (which ``just pact`` writes) as this git commit on this branch."""

WRITE_PACTS = "just pact"
"""Run the consumers' Pact tests, which write pacts/."""

VERIFY = "just verify"
"""Replay the consumers' pacts against the real provider and publish the results."""

DEFAULT_ENVIRONMENT = "production"


def just(verb: str, *arguments: str) -> str:
    """``just VERB ARGS...`` with every argument quoted for a POSIX shell."""
    return " ".join(["just", verb, *(shlex.quote(a) for a in arguments)])


def record_deployment(pacticipant: str, environment: str) -> str:
    """Record that this commit of the pacticipant is deployed to the environment."""
    return just("record-deployment", pacticipant, environment)


def create_environment(name: str = DEFAULT_ENVIRONMENT) -> str:
    """Create the environment (production-flagged when it is called production)."""
    command = just("create-environment", name)
    return f"{command} --production" if name == DEFAULT_ENVIRONMENT else command


def can_i_deploy(pacticipant: str, environment: str) -> str:
    """Ask the broker whether this commit of the pacticipant may go to the environment."""
    return just("can-i-deploy", pacticipant, environment)


def target_environment(names: list[str], production: set[str]) -> str:
    """The environment a hint names: the first production one, else the first, else production."""
    for name in names:
        if name in production:
            return name
    return names[0] if names else DEFAULT_ENVIRONMENT
