"""A real headless Chromium for the page tests: one-shot runs, and a driven tab.

The tab is driven through the DevTools protocol on a pipe (--remote-debugging-pipe: JSON
messages ended by a NUL byte on fds 3 and 4), so nothing beyond the browser is needed.
Tests that use it skip where no Chromium is installed (Debian: apt-get install chromium).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH: the page "
                                    "is not rendered (apt-get install chromium to run this)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
PNG = b"\x89PNG\r\n\x1a\n"
# Screenshots of the pages, kept after the tests (ignored by git) for a person to look at.
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def fresh_profile(tmp_path: Path) -> Path:
    """A user-data-dir no earlier run has used."""
    return tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"


def browse(tmp_path: Path, page: Path, *how: str) -> subprocess.CompletedProcess[str]:
    """Chromium once on the page with a fresh profile; fails the test if it fails."""
    assert CHROMIUM is not None
    done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={fresh_profile(tmp_path)}",
                           *how, page.as_uri()], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


class Tab:
    """One tab of a headless Chromium, driven through the DevTools protocol."""

    def __init__(self, tmp_path: Path) -> None:
        assert CHROMIUM is not None
        commands, self._to = os.pipe()  # the browser reads fd 3
        self._from, answers = os.pipe()  # and writes fd 4

        def on_fds_3_and_4() -> None:
            # Above 10 first, so that the two dup2s cannot overwrite each other's source.
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (commands, answers)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={fresh_profile(tmp_path)}",
             "--remote-debugging-pipe", "about:blank"], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(3, 4),
            preexec_fn=on_fds_3_and_4)
        os.close(commands)
        os.close(answers)
        self._next, self._buffer, self.session = 0, b"", None
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer (events meanwhile are dropped)."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if self.session is not None:
            message["sessionId"] = self.session
        os.write(self._to, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self._buffer:
                chunk = os.read(self._from, 1 << 16)
                assert chunk, "chromium closed its pipe"
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            answer = json.loads(raw)
            if answer.get("id") == self._next:
                assert "error" not in answer, (method, answer["error"])
                return dict(answer.get("result", {}))

    def open(self, url: str, width: int = 1280, height: int = 800) -> None:
        """Load url in a viewport of that size."""
        self.size(width, height)
        self.call("Page.navigate", url=url)

    def size(self, width: int, height: int) -> None:
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=width < 600)

    def eval(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True,
                           returnByValue=True)
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30) -> Any:
        """Until the expression is truthy in the page; its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.eval(expression)
            if value:
                return value
            assert time.monotonic() < deadline, f"never true in the page: {expression}"
            time.sleep(0.1)

    def screenshot(self, path: Path, width: int, height: int) -> Path:
        """The page at that size, as a PNG at path."""
        self.size(width, height)
        time.sleep(0.2)  # a frame at the new size
        data = base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        assert data.startswith(PNG)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def close(self) -> None:
        os.close(self._to)
        os.close(self._from)
        self.process.terminate()
        self.process.wait(timeout=30)
