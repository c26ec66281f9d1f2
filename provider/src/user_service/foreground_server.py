"""uvicorn in the foreground, ended by Ctrl-C or SIGTERM with exit 0 after a full shutdown.

Plain uvicorn re-raises the stop signal once it has shut down, so the process dies of it
(exit 130 or 143) and ``just serve-provider`` reported a failed recipe. And ``uv run``
forwards the terminal's Ctrl-C to its child, which already got it: uvicorn would take that
echo for a second Ctrl-C ("force quit") and skip the app's shutdown. The local broker's CLI
(``local_pact_broker.cli.foreground_server``) solves the same problem the same way; the
provider keeps this copy because it depends on nothing but its own app's libraries.
"""

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import uvicorn

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# `uv run` re-sends the terminal's Ctrl-C to its child: the echo lands well within this.
ECHO_WINDOW_SECONDS = 1.0


def _exit_0(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def stop_quietly_until_serving() -> None:
    """Until the server takes the signals over, a stop ends the process with exit 0, no trace."""
    for stop_signal in STOP_SIGNALS:
        signal.signal(stop_signal, _exit_0)


class ForegroundServer(uvicorn.Server):
    """A uvicorn server whose ``run`` returns (exit 0) when a stop signal ended it."""

    first_stop: float | None = None

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Take the stop signals without re-raising them after the shutdown, as uvicorn does."""
        for stop_signal in STOP_SIGNALS:
            signal.signal(stop_signal, self.handle_exit)
        try:
            yield
        finally:  # the process is ending: nothing may interrupt the shutdown now
            for stop_signal in STOP_SIGNALS:
                signal.signal(stop_signal, signal.SIG_IGN)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """Begin a graceful shutdown; ignore an echo of the same stop (``uv run``'s)."""
        now = time.monotonic()
        if self.first_stop is not None and now - self.first_stop < ECHO_WINDOW_SECONDS:
            return
        self.first_stop = self.first_stop or now
        super().handle_exit(sig, frame)
