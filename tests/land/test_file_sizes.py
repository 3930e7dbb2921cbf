"""Large files in a landing: named past land.warn_file_size, left out past max_file_size."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import git, run_gitorch, scripted_repo
from test_land import roadmap_of

BIG = "x" * 2000  # with its newline, 2001 bytes: past a 1KB limit
MEDIUM = "m" * 499


def landed_repo(tmp_path: Path) -> tuple[Path, Path]:
    """Three tracks run: A/1 adds two big files, A/2 a medium one, A/3 a big one it shrinks."""
    config = ("land:\n  max_file_size: 1KB\n  warn_file_size: 100\n"
              "phases:\n  - {name: work, prompt: '{track_body}'}\n")  # one phase: quicker
    repo = scripted_repo(tmp_path, roadmap_of(
        f"put data/big.bin {BIG}\nput data/big2.bin {BIG}y", f"put medium.txt {MEDIUM}",
        f"put dump.sql {BIG}\ncommit\nput dump.sql small now"), extra_config=config)
    run_gitorch(repo, "start", "--wait", check=True)
    return repo, tmp_path / "remote.git"


def test_a_track_with_a_file_past_the_limit_is_left_out_the_others_land(tmp_path: Path
                                                                          ) -> None:
    repo, remote = landed_repo(tmp_path)
    done = run_gitorch(repo, "land")
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert "✓ A/2 landed" in out
    assert ("- A/1 skipped: data/big2.bin is 2KB (and 1 more file), past land.max_file_size "
            "(1KB); take it out of the branch's history (or raise the limit), then gitorch "
            "land A/1") in out
    # Deleted again on the branch, its blob would be pushed all the same.
    assert ("- A/3 skipped: dump.sql is 2KB, past land.max_file_size (1KB); take it out "
            "of the branch's history (or raise the limit), then gitorch land A/3") in out
    assert ("warning: A/2 adds medium.txt (500B), larger than land.warn_file_size (100B)"
            in out)
    pushed = git(remote, "ls-tree", "-r", "--name-only", "main").split()
    assert "medium.txt" in pushed and "data/big.bin" not in pushed
    big = git(repo, "rev-parse", "gitorch/A/1/track-number-1:data/big.bin").strip()
    assert big not in git(remote, "rev-list", "--objects", "--all")
    log = run_gitorch(repo, "logs", "A/1", check=True).stdout
    assert "Land left this track out: data/big2.bin is 2KB (and 1 more file), past" in log
    assert "Land warning: A/2 adds medium.txt (500B)" in \
        run_gitorch(repo, "logs", "A/2", check=True).stdout
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    first = next(track for track in status["tracks"] if track["id"] == "A/1")
    assert first["state"] == "done"
    assert first["reason"].startswith("land leaves it out: data/big2.bin is 2KB (and 1 more")
    text = run_gitorch(repo, "status", check=True).stdout
    assert "land leaves it out: data/big2.bin is 2KB" in text


def test_null_means_no_limit_and_dry_run_warns_without_writing(tmp_path: Path) -> None:
    repo, _ = landed_repo(tmp_path)
    config = repo / "gitorch.yaml"
    dry = json.loads(run_gitorch(repo, "land", "--dry-run", "--json", check=True).stdout)
    assert set(dry["would_land"]) == {"A/2"} and set(dry["skipped"]) == {"A/1", "A/3"}
    assert "Land " not in run_gitorch(repo, "logs", "A/1", check=True).stdout
    config.write_text(config.read_text().replace("max_file_size: 1KB", "max_file_size: null"))
    done = json.loads(run_gitorch(repo, "land", "--json", "--no-push", check=True).stdout)
    assert done["landed"] == ["A/1", "A/2", "A/3"]
    assert done["warnings"] == [
        "A/1 adds data/big2.bin (2KB), larger than land.warn_file_size (100B)",  # largest first
        "A/1 adds data/big.bin (2KB), larger than land.warn_file_size (100B)",
        "A/2 adds medium.txt (500B), larger than land.warn_file_size (100B)",
        "A/3 adds dump.sql (2KB), larger than land.warn_file_size (100B)"]


def test_run_says_so_too_and_does_not_land_the_track_again_and_again(tmp_path: Path) -> None:
    config = ("land:\n  max_file_size: 1KB\n  warn_file_size: 100\n"
              "phases:\n  - {name: work, prompt: '{track_body}'}\n")
    repo = scripted_repo(tmp_path, roadmap_of(f"put data/big.bin {BIG}",
                                              f"put medium.txt {MEDIUM}"), extra_config=config)
    done = run_gitorch(repo, "run", "--every", "0.3s")
    assert done.returncode == 1 and "Landed A/2" in done.stdout
    assert "warning: A/2 adds medium.txt (500B), larger than land.warn_file_size (100B)" \
        in done.stdout
    assert "A/1 was not landed: data/big.bin is 2KB, past land.max_file_size (1KB)" \
        in done.stdout
    assert done.stderr.startswith("Error: the run left work for a person: A/1 was not landed")
    log = run_gitorch(repo, "logs", "A/1", check=True).stdout
    assert log.count("Land left this track out") == 1
