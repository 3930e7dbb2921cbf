"""Parsed config files kept between runs: used for the same bytes only, never for errors."""

from __future__ import annotations

import datetime
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from gitorch.config.loader import load_config, parsed_config_cache, user_config_path
from gitorch.config.settings import ConfigError
from gitorch.config.source import YamlFileError
from gitorch.config.yamlcache import read_yaml
from gitorch.config.yamlfile import parse_yaml

CONFIG = "# shared settings\nmax_parallel: 7\nagent:\n  command: [my-agent, '{prompt}']\n"
# Loads the config of the folder given and says whether that imported yaml.
PROBE = """
import sys
from pathlib import Path
from gitorch.config.loader import load_config
config = load_config(Path(sys.argv[1]))
print(config.max_parallel, "yaml" in sys.modules)
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    folder.mkdir()
    return folder


def probe(repo: Path) -> str:
    """`<max_parallel> <whether yaml was imported>` from a fresh process."""
    done = subprocess.run([sys.executable, "-c", PROBE, str(repo)], capture_output=True,
                          text=True, check=True)
    return done.stdout.strip()


def entries() -> list[Path]:
    folder = parsed_config_cache()
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_the_same_bytes_are_read_from_the_cache_without_yaml(repo: Path) -> None:
    (repo / "gitorch.yaml").write_text(CONFIG)
    assert probe(repo) == "7 True"
    assert probe(repo) == "7 False"
    assert load_config(repo).agent.command == ("my-agent", "{prompt}")


def test_the_user_file_is_kept_too(repo: Path) -> None:
    user = user_config_path()
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text("max_parallel: 3\n")
    assert probe(repo) == "3 True"
    assert probe(repo) == "3 False"


def test_changed_bytes_are_parsed_again_whatever_the_clock_says(repo: Path) -> None:
    path = repo / "gitorch.yaml"
    path.write_text(CONFIG)
    assert load_config(repo).max_parallel == 7
    stamp = path.stat()
    path.write_text(CONFIG.replace("7", "8"))  # same size
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert probe(repo) == "8 True"
    assert probe(repo) == "8 False"


def test_a_damaged_cache_is_ignored_and_mended(repo: Path) -> None:
    (repo / "gitorch.yaml").write_text(CONFIG)
    load_config(repo)
    [entry] = entries()
    good = json.loads(entry.read_text())
    damaged = [b"", b"\x00garbage{", b"[]", json.dumps({**good, "lines": {"": "1"}}).encode(),
               json.dumps({**good, "text": None}).encode(),
               json.dumps({key: good[key] for key in good if key != "value"}).encode(),
               json.dumps({**good, "gitorch": "0.0.0", "value": {"max_parallel": 1}}).encode()]
    for data in damaged:
        entry.write_bytes(data)
        assert probe(repo) == "7 True", data
        assert json.loads(entry.read_text()) == good
    entry.unlink()
    entry.mkdir()  # unreadable, and cannot be replaced either
    assert probe(repo) == "7 True"
    assert probe(repo) == "7 True"


def test_an_unwritable_cache_is_no_error(repo: Path) -> None:
    (repo / "gitorch.yaml").write_text(CONFIG)
    parsed_config_cache().parent.mkdir(parents=True)
    parsed_config_cache().write_text("a file where the folder would be")
    assert load_config(repo).max_parallel == 7


BROKEN = [
    ("max_parallel: 2\nagent:\n  command: [a, b\n",
     "gitorch.yaml:3: invalid YAML: while parsing a flow sequence, expected ',' or ']', "
     "but got '<stream end>'"),
    ("max_parallel: 2\nmax_parallel: 3\n",
     "gitorch.yaml:2: max_parallel: duplicate key (first at line 1)"),
    ("max_parallel: 2\n\nmax_paralel: 3\n",
     "gitorch.yaml:3: max_paralel: unknown key (did you mean max_parallel?)"),
]


@pytest.mark.parametrize(("text", "message"), BROKEN)
def test_a_broken_file_gives_the_same_error_every_time(repo: Path, text: str,
                                                       message: str) -> None:
    (repo / "gitorch.yaml").write_text(CONFIG)
    load_config(repo)  # the good text's entry is there: it must not stand in for this one
    (repo / "gitorch.yaml").write_text(text)
    for _ in range(3):
        with pytest.raises(ConfigError) as caught:
            load_config(repo)
        assert str(caught.value) == message


def test_an_error_is_never_kept(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("a: [1, 2\n")
    cache = tmp_path / "cache"
    for _ in range(2):
        with pytest.raises(YamlFileError, match=r"^broken\.yaml:1: invalid YAML"):
            read_yaml(path, "broken.yaml", cache)
    assert not cache.exists()


@pytest.mark.parametrize("text", ["when: 2024-05-01\n", "x: !!binary aGVsbG8=\n",
                                  "x: .nan\n", "x: [1, -.inf]\n",
                                  f"x: 0x{'f' * 4000}\n"])
def test_what_json_cannot_hold_exactly_is_not_kept(tmp_path: Path, text: str) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(text)
    cache = tmp_path / "cache"
    expected = parse_yaml(path.read_bytes(), "odd.yaml")
    for _ in range(2):
        value, source = read_yaml(path, "odd.yaml", cache)
        assert pickle.dumps(value) == pickle.dumps(expected[0]) and source == expected[1]
    assert not cache.exists()
    if text.startswith("when"):
        assert value == {"when": datetime.date(2024, 5, 1)}


def test_plain_values_come_back_exactly(tmp_path: Path) -> None:
    path = tmp_path / "plain.yaml"
    path.write_text("a: 1\nb: 1.0\nc: -0.0\nd: true\ne: null\nf: '1'\ng: [~, 2e3, {h: x}]\n"
                    "'3': three\nempty: {}\n")
    cache = tmp_path / "cache"
    first = read_yaml(path, "plain.yaml", cache)
    again = read_yaml(path, "plain.yaml", cache)
    assert len(list(cache.iterdir())) == 1
    assert again == first == parse_yaml(path.read_bytes(), "plain.yaml")
    assert repr(again[0]) == repr(first[0])  # 1 stays an int, 1.0 a float, -0.0 its sign


def test_an_empty_or_absent_file(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (tmp_path / "empty.yaml").write_text("# nothing set\n")
    for _ in range(2):
        assert read_yaml(tmp_path / "empty.yaml", "empty.yaml", cache)[0] is None
    assert read_yaml(tmp_path / "absent.yaml", "absent.yaml", cache)[0] is None


# Rewrites the file (atomically) with one text or the other and reads it, many times over;
# every read must be one text's whole document, never a mix of the two.
WRITER = """
import json, os, random, sys
from pathlib import Path
from gitorch.config.yamlcache import read_yaml
path, cache, texts = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
for turn in range(40):
    text = random.choice(texts)
    spare = path.with_name(f"{path.name}.{os.getpid()}")
    spare.write_text(text)
    os.replace(spare, path)
    value, source = read_yaml(path, "gitorch.yaml", cache)
    print(json.dumps([value, source.lines]))
"""


def test_concurrent_writers_never_mix_two_documents(tmp_path: Path) -> None:
    path, cache = tmp_path / "gitorch.yaml", tmp_path / "cache"
    texts = [CONFIG, "\n\nmax_parallel: 2\nphases:\n  - {name: work, prompt: go}\n"]
    documents = []
    for text in texts:
        value, source = parse_yaml(text.encode(), "gitorch.yaml")
        documents.append(json.dumps([value, source.lines]))
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(cache),
                                 json.dumps(texts)], stdout=subprocess.PIPE, text=True)
               for _ in range(4)]
    outputs = [writer.communicate()[0] for writer in writers]
    assert all(writer.returncode == 0 for writer in writers)
    seen = [line for output in outputs for line in output.splitlines()]
    assert len(seen) == 160 and set(seen) <= set(documents)
    assert [entry.suffix for entry in cache.iterdir()] == [".json"]  # no temporary file left
    assert read_yaml(path, "gitorch.yaml", cache) == parse_yaml(path.read_bytes(),
                                                                "gitorch.yaml")
