"""Case repair: from a conflict found to the track landed, agent time excluded.

On the 20,100-file repository (5,100 with --quick), two tracks of 5 commits each rewrite
the same line of shared.txt (their last commit) and 4 files of their own folders; `gitorch
land` lands track 1 and leaves track 2 out as `conflict`. From there, timed in turns:
`gitorch repair A/2 --wait` (the rebase in the track's worktree, a resolve phase whose
stand-in agent resolves at once, the check, stage and continue) then `gitorch land
--no-push --keep A/2`; against a person's way with the same instant resolution: `git
rebase main` in the worktree, the same edit, `git add -A`, `git rebase --continue`, then
the same land. Every run starts from the state land left; both must land the same tree.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from benchmarks.common import (
    GITORCH,
    CaseResult,
    Check,
    Row,
    git,
    gitorch,
    interleaved,
    ratio,
    timed,
)
from benchmarks.repo import FOLDERS, Snapshot, _refs, describe, make_repository, size_for

# Work: 4 commits in the track's own folders, then shared.txt's one line rewritten.
# Resolve: keep both sides of every conflict and drop the markers, at once.
AGENT = r"""#!/bin/sh
set -e
n=${GITORCH_TRACK#*/}
if [ "$n" = 1 ]; then own=OWN1; else own=OWN2; fi
case "$GITORCH_PHASE" in
  work)
    i=1
    while [ "$i" -le 4 ]; do
        echo "track $n commit $i" >> "$(printf '%s/file%02d.txt' "$own" "$i")"
        git commit -qam "Track $n commit $i"
        i=$(( i + 1 ))
    done
    echo "track $n" > shared.txt
    git commit -qam "Track $n rewrites shared.txt" ;;
  resolve)
    git diff --name-only --diff-filter=U | while read -r path; do
        sed -i -e '/^<<<<<<< /d' -e '/^=======$/d' -e '/^>>>>>>> /d' "$path"
    done ;;
esac
"""
RESOLVE = ["sed", "-i", "-e", "/^<<<<<<< /d", "-e", "/^=======$/d", "-e", "/^>>>>>>> /d",
           "shared.txt"]


def _setup(folder: Path, size: int) -> tuple[Path, Path]:
    """The repository with A/2 left out as conflict, and A/2's worktree."""
    repo = make_repository(folder, 2, 2, size)
    # make_repository's config runs folder/agent.sh: this case's agent takes its place.
    (folder / "agent.sh").write_text(AGENT.replace("OWN1", FOLDERS[0]).replace("OWN2",
                                                                               FOLDERS[2]))
    (repo / "shared.txt").write_text("base\n")
    git(repo, "add", "shared.txt")
    git(repo, "commit", "-qm", "Add shared.txt")
    gitorch(repo, "start", "--wait")
    done = gitorch(repo, "land", "--no-push", "A/1")
    assert "A/1 landed" in done.stdout, done.stdout
    left = subprocess.run([GITORCH, "land", "--no-push", "--json", "A/2"], cwd=repo,
                          capture_output=True, text=True, check=False)
    assert json.loads(left.stdout)["conflict"] == {"A/2": ["shared.txt"]}, left.stdout
    return repo, folder / "repo.tracks" / "group_A_track_2"


def run_case(folder: Path, quick: bool) -> CaseResult:
    runs = 3 if quick else 7
    size = size_for(quick)
    result = CaseResult("repair", "conflict found -> track landed",
                        f"{describe(size)}, 2 tracks x 5 commits rewriting one line; "
                        f"median of {runs} runs, interleaved, after 1 warm-up round")
    repo, worktree = _setup(folder, size)
    state = repo / ".git" / "gitorch"
    snapshot = Snapshot.take(repo)
    left_out = {p.name: p.read_bytes() for p in (state / "left-out").glob("*.json")}
    wip = _refs(repo, "refs/gitorch/track/")
    trees: dict[str, str] = {}

    def restore() -> None:
        snapshot.restore()
        for name, data in left_out.items():
            (state / "left-out" / name).write_bytes(data)
        git(repo, "update-ref", "--stdin",
            input="".join(f"update {ref} {commit}\n" for ref, commit in wip.items()))

    def landed(way: str) -> None:
        tree = git(repo, "rev-parse", "main^{tree}").strip()
        trees.setdefault(way, tree)
        if trees[way] != tree:
            trees[way] = "differs between runs"

    def by_gitorch() -> float:
        def act() -> None:
            gitorch(repo, "repair", "A/2", "--wait")
            gitorch(repo, "land", "--no-push", "--keep", "A/2")
        took = timed(act)
        landed("gitorch")
        restore()
        return took

    def by_hand() -> float:
        def act() -> None:
            rebase = _run(worktree, ["git", "rebase", "main"])
            assert rebase != 0, "the rebase by hand found no conflict"
            _run(worktree, RESOLVE)
            git(worktree, "add", "-A")
            git(worktree, "-c", "core.editor=true", "rebase", "--continue")
            gitorch(repo, "land", "--no-push", "--keep", "A/2")
        took = timed(act)
        landed("by hand")
        restore()
        return took

    samples = interleaved(runs, {"gitorch repair --wait, then land": by_gitorch,
                                 "by hand: git rebase, resolve, continue, then land": by_hand})
    result.rows = [Row(name, took) for name, took in samples.items()]
    result.ratios.append(ratio("gitorch / by hand", result.rows[0], result.rows[1]))
    same = len(set(trees.values())) == 1 and "differs between runs" not in trees.values()
    result.checks.append(Check("both ways landed the same tree, every run", same))
    shutil.rmtree(state / "prompts", ignore_errors=True)
    return result


def _run(cwd: Path, argv: list[str]) -> int:
    return subprocess.run(argv, cwd=cwd, capture_output=True, check=False).returncode
