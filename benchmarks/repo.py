"""The repositories the cases run on: 20,100 files, a roadmap of N tracks, a stand-in agent,
and a snapshot that puts a repository back as it was between runs.

Layout: 300 folders `src/areaAA/partPP` of 67 files each (17 with --quick). Track n owns the
two folders 2(n-1) and 2(n-1)+1 (up to 100 tracks); main moves on in folders 200 and up,
which no track touches, so no landing conflicts and every way ends on the same tree.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import NO_HOOKS, git, gitorch
from gitorch.names import TrackId, branch_name, worktree_path
from gitorch.project import open_project
from gitorch.tracks.claims import take_claim
from gitorch.tracks.records import TrackRecord, now

FOLDERS = [f"src/area{a:02d}/part{b:02d}" for a in range(20) for b in range(15)]
FILES_PER_FOLDER = 67  # 20,100 files
SMALL_FILES_PER_FOLDER = 17  # 5,100 files: --quick, where the disk's pace would dominate
MAX_TRACKS = 100
MAIN_FOLDERS = FOLDERS[2 * MAX_TRACKS:]
STAMP = "Bench <bench@example.com> 1767225600 +0000"

# The stand-in agent. In the work phase it makes AGENT_COMMITS commits (default 5), each
# touching 1-3 files of its track's two folders, the third also adding a file; then it
# sleeps AGENT_SLEEP seconds. AGENT_STAMPS gets the time it started (`date`), AGENT_RUNS a
# line per run, so the claims case can count runs per track.
AGENT = r"""#!/bin/sh
set -e
[ -n "$AGENT_STAMPS" ] && date +%s.%N >> "$AGENT_STAMPS"
[ -n "$AGENT_RUNS" ] && echo "$GITORCH_TRACK $GITORCH_PHASE" >> "$AGENT_RUNS"
n=${GITORCH_TRACK#*/}
i=1
while [ "$i" -le "${AGENT_COMMITS:-5}" ]; do
    k=0
    while [ "$k" -le $(( (n + i) % 3 )) ]; do
        folder=$(( 2 * (n - 1) + k % 2 ))
        dir=$(printf 'src/area%02d/part%02d' $(( folder / 15 )) $(( folder % 15 )))
        mkdir -p "$dir"
        file=$(printf '%s/file%02d.txt' "$dir" $(( (n * 7 + i * 3 + k * 5) % FILES )))
        echo "track $n commit $i" >> "$file"
        git add "$file"
        k=$(( k + 1 ))
    done
    if [ "$i" -eq 3 ]; then
        echo "added by track $n" > "$dir/new$n.txt"
        git add "$dir/new$n.txt"
    fi
    git commit -q -m "Track $n commit $i"
    i=$(( i + 1 ))
done
sleep "${AGENT_SLEEP:-0}"
"""


def roadmap(tracks: int) -> str:
    """One group of independent tracks."""
    lines = ["# Benchmark roadmap", "", "## Group A: Benchmark", ""]
    for number in range(1, tracks + 1):
        lines += [f"### Track {number}: Part {number}",
                  f"Work in {FOLDERS[2 * (number - 1)]} and {FOLDERS[2 * number - 1]}.", ""]
    return "\n".join(lines)


def config(agent: Path, parallel: int) -> str:
    """gitorch.yaml: no remote, the stand-in agent, one phase."""
    return (f"remote: null\nmax_parallel: {parallel}\n"
            f"agent:\n  command: [{json.dumps(str(agent))}]\n  timeout: 10m\n"
            "phases:\n  - {name: work, prompt: go}\n")


def write_agent(folder: Path, files_per_folder: int) -> Path:
    path = folder / "agent.sh"
    path.write_text(AGENT.replace("% FILES", f"% {max(files_per_folder, 1)}"))
    path.chmod(0o755)
    return path


def _data(text: str) -> str:
    return f"data {len(text.encode())}\n{text}\n"


def _file_text(path: str) -> str:
    return (path + "\n") * 20


def make_repository(folder: Path, tracks: int, parallel: int,
                    files_per_folder: int = FILES_PER_FOLDER) -> Path:
    """folder/repo: one commit of the files, ROADMAP.md and gitorch.yaml, checked out,
    with gitorch init run; files_per_folder 0 makes a small repository.
    """
    repo = folder / "repo"
    repo.mkdir(parents=True)
    agent = write_agent(folder, files_per_folder)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "gc.auto", "0")  # no automatic gc in the middle of a measurement
    top = {"ROADMAP.md": roadmap(tracks), "gitorch.yaml": config(agent, parallel),
           ".gitignore": "uncommitted-*\n"}
    paths = [f"{d}/file{n:02d}.txt" for d in FOLDERS for n in range(files_per_folder)]
    stream = [f"commit refs/heads/main\nauthor {STAMP}\ncommitter {STAMP}\n"
              f"{_data('Start the benchmark project')}"]
    stream += [f"M 100644 inline {path}\n{_data(text)}" for path, text in top.items()]
    stream += [f"M 100644 inline {path}\n{_data(_file_text(path))}" for path in paths]
    git(repo, "fast-import", "--quiet", input="".join(stream) + "done\n")
    git(repo, "reset", "-q", "--hard", "main")
    gitorch(repo, "init")
    return repo


def size_for(quick: bool) -> int:
    """Files per folder: 67 (20,100 files), or 17 (5,100) with --quick."""
    return SMALL_FILES_PER_FOLDER if quick else FILES_PER_FOLDER


def describe(files_per_folder: int) -> str:
    return f"{len(FOLDERS) * files_per_folder:,} files"


def folder_size(repo: Path) -> int:
    """How many files each folder of repo was made with."""
    return len(list((repo / MAIN_FOLDERS[0]).glob("file*.txt")))


def move_main(repo: Path, commits: int, seed: int = 7) -> None:
    """Commit to main, in the main worktree, in folders no track touches."""
    rng = random.Random(seed)
    files = folder_size(repo)
    for number in range(commits):
        for folder in rng.sample(MAIN_FOLDERS, 2):
            path = repo / folder / f"file{rng.randrange(files):02d}.txt"
            with open(path, "a") as file:
                file.write(f"main moved on, commit {number}\n")
        git(repo, *NO_HOOKS, "commit", "-q", "-a", "-m",
            f"Main moves on {number}")


def fast_tracks(repo: Path, numbers: list[int], commits: int) -> None:
    """Make tracks done the fast way, as gitorch's runner would leave them, minus worktrees.

    Each track's branch (from main, with the stand-in agent's commits, written by
    fast-import), its record (state done) and its claim ref, through gitorch's own
    TrackRecord and take_claim. No worktrees: `land --keep` never reads them.
    """
    project = open_project(repo)
    files = folder_size(repo)
    base = git(repo, "rev-parse", "main").strip()
    stream = []
    for number in numbers:
        branch = branch_name(TrackId("A", str(number)), f"Part {number}")
        for index in range(1, commits + 1):
            changed = {}
            for k in range((number + index) % 3 + 1):
                folder = FOLDERS[2 * (number - 1) + k % 2]
                path = f"{folder}/file{(number * 7 + index * 3 + k * 5) % files:02d}.txt"
                changed[path] = _file_text(path) + f"track {number} commit {index}\n"
            if index == 3:
                changed[f"{folder}/new{number}.txt"] = f"added by track {number}\n"
            body = "".join(f"M 100644 inline {p}\n{_data(t)}" for p, t in changed.items())
            start = f"from {base}\n" if index == 1 else ""
            stream.append(f"commit refs/heads/{branch}\nauthor {STAMP}\ncommitter {STAMP}\n"
                          f"{_data(f'Track {number} commit {index}')}{start}{body}")
    git(repo, "fast-import", "--quiet", input="".join(stream) + "done\n")
    for number in numbers:
        track = TrackId("A", str(number))
        take_claim(project.paths, track, base, None)
        TrackRecord(track=str(track), state="done", branch=branch_name(track, f"Part {number}"),
                    worktree=str(worktree_path(project.worktrees_dir, track)), base=base,
                    started_at=now(), ended_at=now(), attempts=1).save(project)


@dataclass
class Snapshot:
    """What land (or a rebase) changes, saved so each run starts from the same state."""

    repo: Path
    main: str
    branches: dict[str, str]  # refs/heads/... -> commit
    claims: dict[str, str]  # refs/gitorch/claims/... -> commit
    records: dict[str, bytes]  # file name under <state>/tracks -> bytes
    worktrees: dict[str, Path]  # branch ref -> the worktree that has it checked out

    @classmethod
    def take(cls, repo: Path) -> Snapshot:
        """Pack every object, then remember the refs, records and checkouts."""
        git(repo, "repack", "-a", "-d", "-q")
        refs = _refs(repo)
        tracks = repo / ".git" / "gitorch" / "tracks"
        worktrees = {}
        for block in git(repo, "worktree", "list", "--porcelain").split("\n\n"):
            fields = dict(line.split(" ", 1) for line in block.splitlines() if " " in line)
            if "branch" in fields:
                worktrees[fields["branch"]] = Path(fields["worktree"])
        return cls(repo, refs["refs/heads/main"],
                   {r: c for r, c in refs.items() if r.startswith("refs/heads/")},
                   {r: c for r, c in refs.items() if r.startswith("refs/gitorch/claims/")},
                   {p.name: p.read_bytes() for p in tracks.glob("*.json")}, worktrees)

    def restore(self) -> None:
        """Put refs, records and checkouts back; drop every object a run wrote."""
        state = self.repo / ".git" / "gitorch"
        git(self.repo, "reset", "-q", "--hard", self.main)
        current = _refs(self.repo, "refs/heads/", "refs/gitorch/claims/")
        updates = []
        for ref, commit in {**self.branches, **self.claims}.items():
            if current.get(ref) == commit or ref == "refs/heads/main":
                continue
            if ref in self.worktrees:
                git(self.worktrees[ref], "reset", "-q", "--hard", commit)
            else:
                updates.append(f"update {ref} {commit}\n")
        if updates:
            git(self.repo, "update-ref", "--stdin", input="".join(updates))
        tracks = state / "tracks"
        for path in tracks.glob("*.json"):
            if path.name not in self.records:
                path.unlink()
        for name, data in self.records.items():
            (tracks / name).write_bytes(data)
        (state / "landing.json").unlink(missing_ok=True)
        git(self.repo, "reflog", "expire", "--expire=now", "--all")
        git(self.repo, "prune", "--expire=now")


def _refs(repo: Path, *patterns: str) -> dict[str, str]:
    """Every ref (under patterns), mapped to the commit it points to."""
    out = git(repo, "for-each-ref", "--format=%(refname) %(objectname)", *patterns)
    return dict(line.split(" ", 1) for line in out.splitlines())
