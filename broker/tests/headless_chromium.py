"""Driving Debian's system Chromium headless over the DevTools protocol, standard library only.

No browser download is possible here, so the tests use ``/usr/bin/chromium`` and fail (not
skip) with an install hint when it is missing: CI installs it. Chromium is started with
``--remote-debugging-pipe``: DevTools messages are JSON, ``\\0``-terminated, read from its fd 3
and written to its fd 4. That is enough to load a page at a fixed viewport, wait for its
``load`` event, evaluate JavaScript in it (to measure layout, which ``--dump-dom`` cannot) and
take a screenshot, with no websocket client and no second HTTP server.
"""

import base64
import fcntl
import json
import os
import select
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

WIDTH = 1280
HEIGHT = 900

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
    f"--window-size={WIDTH},{HEIGHT}",
)
_TIMEOUT = 60.0


def chromium_path() -> str:
    """The system Chromium; fails the test with an install hint when it is absent."""
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if found is None:
        pytest.fail(
            "Chromium is required for the broker's page tests and was not found: "
            "install it with `apt-get update && apt-get install -y chromium` "
            "(or point CHROMIUM at the binary)."
        )
    return found


def _high_fd(fd: int) -> int:
    """``fd`` moved to a number of 10 or more, so the shell's ``3<&`` / ``4>&`` cannot clash."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class DevToolsError(AssertionError):
    """Chromium answered a DevTools command with an error, or not at all."""


@dataclass
class Browser:
    """One headless Chromium and the DevTools pipe to it."""

    process: subprocess.Popen[bytes]
    commands: int
    replies: int
    profile: Path
    _next_id: int = 0
    _buffer: bytes = b""
    _events: list[dict[str, Any]] = field(default_factory=list)

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.replies], [], [], max(left, 0))
            if not ready:
                raise DevToolsError(f"chromium sent nothing for {_TIMEOUT:.0f} s")
            chunk = os.read(self.replies, 1 << 16)
            if not chunk:
                raise DevToolsError(f"chromium closed its DevTools pipe: {self._stderr()}")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        decoded: dict[str, Any] = json.loads(message)
        return decoded

    def _stderr(self) -> str:
        if self.process.poll() is None or self.process.stderr is None:
            return "(still running)"
        return self.process.stderr.read().decode(errors="replace")[-2000:]

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Run one DevTools command and return its result; events that arrive are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self.commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + _TIMEOUT
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") != self._next_id:
                self._events.append(reply)
                continue
            if "error" in reply:
                raise DevToolsError(f"{method} failed: {reply['error']}")
            result: dict[str, Any] = reply.get("result", {})
            return result

    def wait_for(self, event: str, session: str) -> None:
        """Wait until ``event`` arrived for the page ``session``."""
        deadline = time.monotonic() + _TIMEOUT
        while True:
            for index, seen in enumerate(self._events):
                if seen.get("method") == event and seen.get("sessionId") == session:
                    del self._events[: index + 1]
                    return
            self._events.append(self._read_message(deadline))

    @contextmanager
    def page(self, url: str) -> Iterator["Page"]:
        """A new tab, ``WIDTH`` x ``HEIGHT`` CSS pixels, with ``url`` loaded."""
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        try:
            self.send(
                "Emulation.setDeviceMetricsOverride",
                session,
                width=WIDTH,
                height=HEIGHT,
                deviceScaleFactor=1,
                mobile=False,
            )
            self.send("Page.enable", session)
            navigated = self.send("Page.navigate", session, url=url)
            if navigated.get("errorText"):
                raise DevToolsError(f"chromium could not load {url}: {navigated['errorText']}")
            self.wait_for("Page.loadEventFired", session)
            yield Page(self, session)
        finally:
            self.send("Target.closeTarget", targetId=target)


@dataclass(frozen=True)
class Page:
    """A loaded tab: evaluate JavaScript in it, read its DOM, take a screenshot."""

    browser: Browser
    session: str

    def evaluate(self, expression: str) -> Any:
        """The JSON value of ``expression`` evaluated in the page (promises awaited)."""
        answer = self.browser.send(
            "Runtime.evaluate",
            self.session,
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in answer:
            raise DevToolsError(f"script failed in the page: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def dom(self) -> str:
        """The rendered document as HTML (what ``--dump-dom`` prints)."""
        html: str = self.evaluate("document.documentElement.outerHTML")
        return html

    def screenshot(self, path: Path) -> None:
        """Save the whole page as a PNG."""
        shot = self.browser.send("Page.captureScreenshot", self.session, captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(shot["data"]))


@contextmanager
def browser() -> Iterator[Browser]:
    """Start headless Chromium with a throw-away profile; closed and reaped at the end."""
    profile = Path(tempfile.mkdtemp(prefix="chromium-profile-"))
    to_chromium_read, to_chromium_write = (_high_fd(fd) for fd in os.pipe())
    from_chromium_read, from_chromium_write = (_high_fd(fd) for fd in os.pipe())
    command = shlex.join([chromium_path(), *_FLAGS, f"--user-data-dir={profile}", "about:blank"])
    # The shell puts the pipe ends on fds 3 and 4, where --remote-debugging-pipe expects them
    # (a preexec_fn would be unsafe here: the broker under test runs in a thread).
    process = subprocess.Popen(  # noqa: S602 - a fixed command line, every part quoted
        f"exec {command} 3<&{to_chromium_read} 4>&{from_chromium_write}",
        shell=True,
        executable="/bin/bash",
        pass_fds=(to_chromium_read, from_chromium_write),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "HOME": str(profile)},
    )
    os.close(to_chromium_read)
    os.close(from_chromium_write)
    running = Browser(process, to_chromium_write, from_chromium_read, profile)
    try:
        yield running
    finally:
        with suppress(DevToolsError, OSError):
            running.send("Browser.close")
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()
        os.close(to_chromium_write)
        os.close(from_chromium_read)
        shutil.rmtree(profile, ignore_errors=True)


OVERFLOW_SCRIPT = """
(() => {
  const root = document.documentElement;
  const cells = [...document.querySelectorAll("td, th, .version, .chip")]
    .filter((cell) => cell.scrollWidth > cell.clientWidth + 1)
    .map((cell) => ({
      text: cell.textContent.trim().replace(/\\s+/g, " ").slice(0, 120),
      scrollWidth: cell.scrollWidth,
      clientWidth: cell.clientWidth,
    }));
  return {
    viewport: window.innerWidth,
    documentWidth: root.scrollWidth,
    overflowingCells: cells,
  };
})()
"""
"""JavaScript measuring horizontal overflow: of the document past the viewport, and of each
table cell, version label or branch chip past its own box."""
