"""Driving Debian's system Chromium headless: the DOM it renders and screenshots.

No browser download is possible here, so the tests use ``/usr/bin/chromium`` and fail (not
skip) with an install hint when it is missing: CI installs it.
"""

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

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
    "--window-size=1280,900",
)


def chromium_path() -> str:
    """The system Chromium; fails the test with an install hint when it is absent."""
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if found is None:
        pytest.fail(
            "Chromium is required for the dashboard browser test and was not found: "
            "install it with `apt-get update && apt-get install -y chromium` "
            "(or point CHROMIUM at the binary)."
        )
    return found


@dataclass
class ChromiumRun:
    """A running headless Chromium with its throw-away profile directory."""

    process: subprocess.Popen[str]
    profile: Path

    def finish(self) -> str:
        """Wait for Chromium to exit; its stdout (the DOM for ``--dump-dom``)."""
        try:
            stdout, stderr = self.process.communicate(timeout=60)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            shutil.rmtree(self.profile, ignore_errors=True)
        code = self.process.returncode
        assert code == 0, f"chromium exited {code}: {stderr[-2000:]}"
        return stdout


def start(url: str, *, screenshot: Path | None = None) -> ChromiumRun:
    """Start Chromium on ``url`` dumping the DOM, or saving a screenshot, without waiting."""
    profile = Path(tempfile.mkdtemp(prefix="chromium-profile-"))
    action = "--dump-dom" if screenshot is None else f"--screenshot={screenshot}"
    process = subprocess.Popen(
        [chromium_path(), *_FLAGS, f"--user-data-dir={profile}", action, url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "HOME": str(profile)},
    )
    return ChromiumRun(process, profile)
