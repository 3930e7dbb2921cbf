"""`gitorch serve` started for a test, and requests sent to it as any client would."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from helpers import git, gitorch_exe


@dataclass
class Served:
    """A running `gitorch serve`: the address it printed and its token."""

    url: str
    token: str

    @property
    def base(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    def ask(self, path: str, body: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
        """A request (a POST when body is given): its status and JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {},
                                         method="GET" if body is None else "POST")
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read())

    def post(self, action: str, tracks: list[str]) -> tuple[int, dict[str, Any]]:
        """An action as the page sends it, with the token."""
        return self.ask(f"/api/{action}", {"tracks": tracks}, {"X-Gitorch-Token": self.token})


@contextmanager
def served(repo: Path) -> Iterator[Served]:
    """`gitorch serve` in repo on a free port, until the block ends."""
    server = subprocess.Popen([gitorch_exe(), "serve"], cwd=repo, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert first.startswith("Serving http://127.0.0.1:"), first + server.stderr.read()
        url = first.split()[1]
        yield Served(url, url.split("token=")[1])
    finally:
        server.terminate()
        server.wait(timeout=30)


def snapshot(repo: Path) -> tuple[str, str, dict[str, str]]:
    """Every ref here and on the remote, and every record gitorch keeps of a track."""
    records = repo / ".git" / "gitorch" / "tracks"
    return (git(repo, "for-each-ref"), git(repo.parent / "remote.git", "for-each-ref"),
            {p.name: p.read_text() for p in sorted(records.iterdir())})
