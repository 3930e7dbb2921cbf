"""A stand-in `gh` that plays a pull request's life from a JSON file the test writes.

FAKE_GH_STATE names the file: {"remote": bare repository, "prs": {number: {"branch",
"base", "state", "checks": {head sha: [statusCheckRollup entries]}, "reviews": [{"id",
"number", "author", "state", "body"}], "line_comments": [{"review", "path", "line",
"body"}], "comments": [body]}}, "logs": {run id: text}, "fail_comments": N}. The head of a
pull request is its branch's tip in the bare remote, as on GitHub. Every call is appended
to FAKE_GH_CALLS.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

URL = "https://github.com/acme/widgets/pull/{}"


def main(argv: list[str]) -> int:
    stdin = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
    with open(os.environ["FAKE_GH_CALLS"], "a") as calls:
        calls.write(json.dumps({"argv": argv, "stdin": stdin}) + "\n")
    path = Path(os.environ["FAKE_GH_STATE"])
    state: dict[str, Any] = json.loads(path.read_text())
    prs: dict[str, Any] = state.setdefault("prs", {})
    if argv[:2] == ["pr", "create"]:
        number = str(len(prs) + 1)
        prs[number] = {"branch": argv[argv.index("--head") + 1],
                       "base": argv[argv.index("--base") + 1], "state": "OPEN", "checks": {},
                       "reviews": [], "line_comments": [], "comments": []}
        print("Creating pull request\n\n" + URL.format(number))
    elif argv[:2] == ["pr", "view"]:
        pr = prs[argv[2].rsplit("/", 1)[1]]
        if "--jq" in argv:
            print(pr["state"])
            return 0
        head = _head(state["remote"], pr["branch"])
        print(json.dumps({
            "state": pr["state"], "headRefOid": head, "reviewDecision": "",
            "statusCheckRollup": pr["checks"].get(head, []),
            "reviews": [{"id": r["id"], "author": {"login": r["author"]}, "state": r["state"],
                         "body": r["body"]} for r in pr["reviews"]],
            "comments": [{"body": body} for body in pr["comments"]]}))
    elif argv[:2] == ["pr", "comment"]:
        if state.get("fail_comments", 0) > 0:
            state["fail_comments"] -= 1
            path.write_text(json.dumps(state))
            print("HTTP 502: the server is away", file=sys.stderr)
            return 1
        prs[argv[2].rsplit("/", 1)[1]]["comments"].append(stdin)
    elif argv[0] == "api":
        found = re.fullmatch(r"repos/acme/widgets/pulls/(\d+)/(reviews|comments)\?.*", argv[1])
        assert found, argv
        pr = prs[found[1]]
        if found[2] == "reviews":
            print(json.dumps([{"id": r["number"], "node_id": r["id"], "state": r["state"],
                               "body": r["body"], "user": {"login": r["author"]}}
                              for r in pr["reviews"]]))
        else:
            print(json.dumps([{"path": c["path"], "line": c["line"], "body": c["body"],
                               "pull_request_review_id": c["review"]}
                              for c in pr["line_comments"]]))
    elif argv[:2] == ["run", "view"]:
        print(state["logs"][argv[2]])
    else:
        print(f"fake gh: unknown command {argv}", file=sys.stderr)
        return 2
    path.write_text(json.dumps(state))
    return 0


def _head(remote: str, branch: str) -> str | None:
    done = subprocess.run(["git", "--git-dir", remote, "rev-parse", "--verify", "--quiet",
                           f"refs/heads/{branch}"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
