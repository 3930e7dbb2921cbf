"""`gitorch doctor`: every check passes on a healthy setup, each failure names its fix."""

from __future__ import annotations

from pathlib import Path

from helpers import git, make_repo, run_gitorch, sample


def healthy_repo(tmp_path: Path) -> Path:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    repo = make_repo(tmp_path / "repo", sample("seed-style.md"))
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "origin", "main")
    (repo / "gitorch.yaml").write_text("agent:\n  command: [git, --version]\n")
    run_gitorch(repo, "init", check=True)
    return repo


def test_all_checks_pass(tmp_path: Path) -> None:
    repo = healthy_repo(tmp_path)
    done = run_gitorch(repo, "doctor")
    assert done.returncode == 0, done.stdout
    names = [line.split(":")[0] for line in done.stdout.splitlines()]
    assert names == ["✓ git", "✓ repository", "✓ main branch", "✓ git locks", "✓ roadmap",
                     "✓ hook", "✓ agent", "✓ test gate", "✓ sandbox", "✓ remote reachable",
                     "✓ push rights"]
    remote = tmp_path / "remote.git"
    assert f"✓ remote reachable: origin ({remote})" in done.stdout.splitlines()


def test_missing_hook_says_to_run_init(tmp_path: Path) -> None:
    repo = healthy_repo(tmp_path)
    run_gitorch(repo, "init", "--uninstall", check=True)
    done = run_gitorch(repo, "doctor")
    assert done.returncode == 1
    assert f"✗ hook: no gitorch post-commit hook in {repo / '.git' / 'hooks'}" in done.stdout
    assert "    fix: gitorch init" in done.stdout


def test_missing_agent_and_unreachable_remote_fail_with_fixes(tmp_path: Path) -> None:
    repo = healthy_repo(tmp_path)
    (repo / "gitorch.yaml").write_text("agent:\n  preset: aider\n")
    git(repo, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    done = run_gitorch(repo, "doctor", env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert "✗ agent: the agent aider is not on PATH" in lines
    assert ("    fix: install it (python -m pip install aider-install && aider-install), or "
            "set agent.command in gitorch.yaml") in lines
    assert any(line.startswith(f"✗ remote reachable: origin ({tmp_path / 'gone.git'}): ")
               for line in lines)


def test_every_phase_agent_is_checked_as_start_checks_it(tmp_path: Path) -> None:
    repo = healthy_repo(tmp_path)
    tools = tmp_path / "bin"
    tools.mkdir()
    codex = tools / "codex"  # logged out, as `codex login status` says it
    codex.write_text("#!/bin/sh\necho 'Not logged in' >&2\nexit 1\n")
    codex.chmod(0o755)
    (repo / "gitorch.yaml").write_text(
        "agent:\n  preset: codex\nphases:\n  - {name: work, prompt: go}\n"
        "  - {name: review, prompt: look, agent: {preset: gemini}}\n")
    env = {"PATH": f"{tools}:/usr/bin:/bin", "OPENAI_API_KEY": "", "CODEX_API_KEY": ""}
    done = run_gitorch(repo, "doctor", env=env)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert "✗ agent: codex is not logged in (`codex login status`: Not logged in)" in lines
    assert "    fix: run `codex login`, or set OPENAI_API_KEY" in lines
    assert "✗ agent: the agent gemini is not on PATH" in lines
    assert "    fix: install it (npm install -g @google/gemini-cli), or set agent.command " \
        "in gitorch.yaml" in lines


def test_the_gate_command_is_looked_for_before_any_land(tmp_path: Path) -> None:
    repo = healthy_repo(tmp_path)
    config = "agent:\n  command: [git, --version]\nland:\n  test_command: [{}, -q]\n"
    (repo / "gitorch.yaml").write_text(config.format("pytset"))
    done = run_gitorch(repo, "doctor")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert "✗ test gate: land.test_command: pytset is not found on PATH" in lines
    assert "    fix: install pytset, or fix land.test_command in gitorch.yaml" in lines
    script = repo / "run-tests.sh"
    script.write_text("#!/bin/sh\nexit 0\n")
    script.chmod(0o755)
    (repo / "gitorch.yaml").write_text(config.format("./run-tests.sh"))
    done = run_gitorch(repo, "doctor", check=True)
    assert f"✓ test gate: {repo}/run-tests.sh -q" in done.stdout.splitlines()


def test_no_such_remote(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", sample("seed-style.md"))
    (repo / "gitorch.yaml").write_text("agent:\n  command: [git]\n")
    done = run_gitorch(repo, "doctor")
    assert done.returncode == 1
    assert "✗ remote: this repository has no remote named origin" in done.stdout


def test_broken_roadmap_is_a_failed_check(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", sample("broken-cycle.md"))
    (repo / "gitorch.yaml").write_text("remote: null\nagent:\n  command: [git]\n")
    done = run_gitorch(repo, "doctor")
    assert done.returncode == 1
    assert any(line.startswith("✗ roadmap: ROADMAP.md:") for line in done.stdout.splitlines())


def test_outside_a_repository(tmp_path: Path) -> None:
    done = run_gitorch(tmp_path, "doctor")
    assert done.returncode == 1
    assert done.stdout.splitlines()[0].startswith("✓ git: git ")
    assert "✗ repository and config: " in done.stdout
