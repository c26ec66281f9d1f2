"""Provider-state changes for pact's verifier, where a raising handler is a clean stop.

A state-change endpoint that answers 500 makes the Rust verifier retry for about two
minutes. Recording the handler's error and answering 200 lets the run end at once, and the
report names the state, the action and the error instead.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contract_first.errors import UsageError
from contract_first.provider_app import Action, AsgiApp, Receive, Scope, Send, StateHandler


class StateHandlerError(UsageError):
    """A provider-state handler raised: the replay after it would prove nothing."""


@dataclass
class StateGuard:
    """Calls the handlers; keeps the first failure; stays silent after it."""

    handlers: Mapping[str, StateHandler]
    failure: StateHandlerError | None = field(default=None)
    calls: list[tuple[str, Action]] = field(default_factory=list)

    def callback(self) -> Callable[[str, Action, dict[str, Any] | None], None]:
        """One function for every state change: ``run(state, action, parameters)``."""

        def run(state: str, action: Action, parameters: dict[str, Any] | None) -> None:
            handler = self.handlers.get(state)
            if handler is None or self.failure is not None:
                return  # unhandled: only a pending pact gets here (see preflight)
            self.calls.append((state, action))
            try:
                handler(action, parameters or {})
            except Exception as error:
                self.failure = StateHandlerError(
                    f"provider state {state!r} ({action}) raised {type(error).__name__}: {error}. "
                    "The interactions that need it were not verified; fix the state handler"
                )

        return run


class StateChangeEndpoint:
    """Serves the verifier's state-change calls beside the app, on the app's own server.

    pact-python's alternative is a second HTTP server whose shutdown waits out a 0.5 s poll;
    answering on one reserved path of the served app costs nothing and needs no thread.
    """

    path = "/_contract-first/provider-state"

    def __init__(self, app: AsgiApp, guard: StateGuard) -> None:
        self.app = app
        self.run = guard.callback()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer ``POST`` on the reserved path; pass everything else to the app."""
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        try:
            change = json.loads(body or b"{}")
            state, action = str(change["state"]), change.get("action", "setup")
            parameters = change.get("params") or {}
        except (ValueError, KeyError, TypeError):
            await _answer(send, 400, b'{"error": "not a provider state change"}')
            return
        self.run(state, "teardown" if action == "teardown" else "setup", dict(parameters))
        await _answer(send, 200, b"{}")


async def _answer(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
