"""The report page as a person sees it: real runs, rendered by a real headless Chromium.

Skipped where no Chromium is installed (Debian: apt-get install chromium); the structure
tests in test_report.py read the same page without a browser.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import PNG, browse, needs_chromium
from helpers import run_gitorch
from reading import bars, overlaps, pushes_by_gitorch, read_page, records, totals

pytestmark = needs_chromium


def render(repo: Path, tmp_path: Path, name: str) -> tuple[Path, str]:
    """The report's page for repo, shot to a PNG, and the DOM the browser built from it."""
    page = tmp_path / f"{name}.html"
    run_gitorch(repo, "report", "--html", str(page), check=True)
    shot = tmp_path / f"{name}.png"
    browse(tmp_path, page, f"--screenshot={shot}", "--window-size=1300,1100",
           "--hide-scrollbars")
    assert shot.read_bytes().startswith(PNG) and shot.stat().st_size > 20_000
    return shot, browse(tmp_path, page, "--dump-dom").stdout


def test_the_demo_run_in_a_browser(demo_repo: Path, tmp_path: Path) -> None:
    _, dom = render(demo_repo, tmp_path, "demo")
    page = read_page(dom)
    assert any(e.tag == "svg" and e.attrs.get("id") == "timeline" for e in page.elements)
    found = bars(page)
    recorded = records(demo_repo)
    assert sorted({b[0] for b in found}) == sorted(recorded)
    assert overlaps(found) == []
    shown = totals(page)
    assert shown["tracks"] == len(recorded)
    assert shown["pushes"] == pushes_by_gitorch(demo_repo)
    assert shown["track_time"] == pytest.approx(sum(b[3] - b[2] for b in found), abs=0.01)
    rows = {e.attrs["data-track"] for e in page.elements
            if e.tag == "tr" and "data-track" in e.attrs}
    assert rows == set(recorded)


def test_a_run_with_a_failure_and_a_repair_in_a_browser(trouble_repo: Path,
                                                        tmp_path: Path) -> None:
    _, dom = render(trouble_repo, tmp_path, "trouble")
    page = read_page(dom)
    found = bars(page)
    # A/2 was tried twice; of A/1 and A/3, the one that conflicted has its repair's bar too.
    assert sorted(b[0] for b in found) in (["A/1", "A/1", "A/2", "A/2", "A/3", "A/4"],
                                           ["A/1", "A/2", "A/2", "A/3", "A/3", "A/4"])
    assert overlaps(found) == []
    assert [b[4] for b in found if b[0] == "A/2"] == ["failed", "failed"]
    failed_phases = [e for e in page.having("rect", "phase")
                     if e.attrs["data-outcome"] == "failed"]
    assert len(failed_phases) == 2
    kinds = [e.attrs["data-kind"] for e in page.having("g", "mark")]
    assert "conflict" in kinds and "landing" in kinds
    states = {e.attrs["data-track"]: e for e in page.elements
              if e.tag == "tr" and "data-track" in e.attrs}
    assert set(states) == set(records(trouble_repo))
    assert totals(page)["pushes"] == pushes_by_gitorch(trouble_repo)
