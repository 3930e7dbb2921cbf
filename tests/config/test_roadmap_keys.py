"""The roadmap.* settings: a path, or a mapping of path, format and words (DESIGN §11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitorch.config.loader import load_config
from gitorch.config.settings import ConfigError
from gitorch.roadmap.vocabulary import GROUP_WORDS, TRACK_WORDS, Vocabulary


def load(tmp_path: Path, text: str) -> object:
    (tmp_path / "gitorch.yaml").write_text(text, encoding="utf-8")
    return load_config(tmp_path)


def test_a_path_alone_still_works(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert (config.roadmap, config.roadmap_words) == ("ROADMAP.md", Vocabulary())
    (tmp_path / "gitorch.yaml").write_text("roadmap: specs/001-x/tasks.md\n")
    config = load_config(tmp_path)
    assert (config.roadmap, config.roadmap_words) == ("specs/001-x/tasks.md", Vocabulary())


def test_the_mapping_sets_path_format_and_words(tmp_path: Path) -> None:
    (tmp_path / "gitorch.yaml").write_text(
        "roadmap:\n  path: .planning/ROADMAP.md\n  format: gsd\n  group_words: [Étape, Lot]\n"
        "  done_words: [terminé]\n", encoding="utf-8")
    config = load_config(tmp_path)
    assert config.roadmap == ".planning/ROADMAP.md"
    assert config.roadmap_words == Vocabulary("gsd", ("Étape", "Lot"), TRACK_WORDS,
                                              ("terminé",))


def test_a_mapping_without_path_keeps_the_default_path(tmp_path: Path) -> None:
    (tmp_path / "gitorch.yaml").write_text("roadmap:\n  track_words: [Ticket]\n")
    config = load_config(tmp_path)
    assert config.roadmap == "ROADMAP.md"
    assert config.roadmap_words == Vocabulary("auto", GROUP_WORDS, ("Ticket",), ())


@pytest.mark.parametrize(("text", "message"), [
    ("roadmap:\n  format: yaml\n",
     "gitorch.yaml:2: roadmap.format: expected one of auto, tracks, speckit, gsd, checklist, "
     "taskmaster, beads"),
    ("roadmap:\n  group_words: Phase\n",
     'gitorch.yaml:2: roadmap.group_words: expected a list of words, like ["Phase", '
     '"Milestone"]'),
    ("roadmap:\n  group_words: []\n",
     'gitorch.yaml:2: roadmap.group_words: expected a list of words, like ["Phase", '
     '"Milestone"]'),
    ("roadmap:\n  done_words: [ok, 3]\n",
     "gitorch.yaml:2: roadmap.done_words[1]: expected a word of at most 40 characters"),
    ("roadmap:\n  path: ../ROADMAP.md\n",
     "gitorch.yaml:2: roadmap.path: expected a relative path inside the repository, like "
     "ROADMAP.md"),
    ("roadmap:\n  paths: x.md\n",
     "gitorch.yaml:2: roadmap.paths: unknown key (did you mean path?)"),
])
def test_wrong_roadmap_settings_name_file_line_and_key(tmp_path: Path, text: str,
                                                        message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    assert str(caught.value) == message
