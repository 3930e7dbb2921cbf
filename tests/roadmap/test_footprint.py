"""Predicted footprints: the paths a track body names, matched against a tree."""

from __future__ import annotations

from gitorch.roadmap.footprint import Tree, match, named_paths, overlap

TREE = Tree.of([
    "core/analysis/library/registry.py", "core/analysis/library/__init__.py",
    "core/analysis/flood.py", "docs/guide.md", "README.md", "setup.cfg", "tests/__init__.py",
    "core/__init__.py",
])


def test_named_paths_finds_files_and_folders_in_prose() -> None:
    body = ("Implement `core/analysis/library/registry.py` (see docs/ and ./README.md).\n"
            "- Update setup.cfg, e.g. the version; read https://example.com/a/b.py first.\n"
            "Version v1.2 and 3.5 seconds are not paths; neither is Track 1.")
    assert named_paths(body) == ("core/analysis/library/registry.py", "docs/", "README.md",
                                 "setup.cfg", "e.g")


def test_named_paths_skips_absolute_and_parent_paths() -> None:
    assert named_paths("Write /etc/passwd and ../other/x.py, then a/b.py") == ("a/b.py",)


def test_match_a_file_a_folder_and_a_unique_file_name() -> None:
    assert match(["core/analysis/library/registry.py"], TREE) == (
        "core/analysis/library/registry.py",)
    assert match(["core/analysis/library/"], TREE) == (
        "core/analysis/library/__init__.py", "core/analysis/library/registry.py")
    assert match(["core/analysis/library"], TREE) == (
        "core/analysis/library/__init__.py", "core/analysis/library/registry.py")
    assert match(["registry.py", "library/registry.py"], TREE) == (
        "core/analysis/library/registry.py",)


def test_match_ignores_what_the_tree_does_not_hold() -> None:
    # An ambiguous bare name, a made-up word and a file still to be written match nothing.
    assert match(["__init__.py", "e.g", "v1.2", "core/analysis/new.py"], TREE) == ()


def test_overlap_is_the_shared_paths() -> None:
    assert overlap({"a.py", "b.py"}, ["b.py", "c.py"]) == ("b.py",)
    assert overlap({"a.py"}, set()) == ()
