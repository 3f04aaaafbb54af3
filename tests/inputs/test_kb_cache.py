"""The KB cache notices every change: its key holds a hash of every file's content."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from coachassist.kb import cache as kbcache

from .conftest import REPO, TIMEOUT

FORMATS = REPO / "rules" / "formats"


def test_same_size_same_mtime_edit_is_never_served_stale(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    source = next(p for p in sorted(FORMATS.glob("*.toml")) if 'id = "' in p.read_text("utf-8"))
    path = folder / "formats.toml"
    text = source.read_text("utf-8")
    path.write_text(text, encoding="utf-8")
    first = kbcache.load_cached([folder])
    old_id = sorted(i for i in first.formats if f'id = "{i}"' in text)[0]
    new_id = old_id[:-1] + ("x" if old_id[-1] != "x" else "y")  # same length
    stat = path.stat()
    edited = text.replace(f'id = "{old_id}"', f'id = "{new_id}"', 1)
    assert len(edited.encode()) == stat.st_size and edited != text
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as a copy tool or a VCS may do
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    second = kbcache.load_cached([folder])
    assert new_id not in first.formats and new_id in second.formats


def test_a_pipe_in_the_kb_folder_never_hangs_the_cache_key(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    os.mkfifo(folder / "pipe.toml")
    code = (
        "import sys; from pathlib import Path; from coachassist.kb.cache import fingerprint\n"
        f"print(fingerprint([Path({str(folder)!r})], False))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT, cwd=REPO
    )
    assert done.returncode == 0 and len(done.stdout.strip()) == 64, done.stderr


class _Payload:
    """Unpickling this writes a marker file: what a planted cache could do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "ran"))


def _plant(marker: Path) -> Path:
    import pickle

    path = kbcache.cache_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps((kbcache.fingerprint([], True), _Payload(marker))))
    return path


def test_a_cache_others_could_write_is_never_unpickled(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("COACHASSIST_HOME", str(home))
    marker = tmp_path / "marker"
    path = _plant(marker)
    path.chmod(0o600)
    home.chmod(0o700)
    kbcache.load_cached()  # this user's own, private cache is read
    assert marker.read_text() == "ran"
    for file_mode, folder_mode in ((0o606, 0o700), (0o600, 0o777)):
        marker.unlink(missing_ok=True)
        path = _plant(marker)
        path.chmod(file_mode)
        home.chmod(folder_mode)
        kb = kbcache.load_cached()
        assert not marker.exists() and kb.questionnaires  # ignored; loaded afresh


def test_a_cached_knowledge_base_is_the_loaded_one_model_for_model() -> None:
    """The knowledge-base models pickle compactly (Model.__reduce__): every model comes back
    with the same fields, fields given, extras and private attributes, and stays frozen."""
    import pickle

    from coachassist.kb.loader import load
    from coachassist.kb.models import Model

    kb = load()
    kbcache._warm(kb)  # as the cache holds it: conditions parsed
    again = pickle.loads(pickle.dumps(kb, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == kb
    pairs = [
        (getattr(kb, part)[key], getattr(again, part)[key])
        for part in ("questionnaires", "dysfunctions", "formats", "rules", "cases")
        for key in getattr(kb, part)
    ]
    seen = 0
    while pairs:
        old, new = pairs.pop()
        if isinstance(old, Model):
            seen += 1
            assert type(new) is type(old)
            assert new.__dict__.keys() == old.__dict__.keys()
            assert new.model_fields_set == old.model_fields_set
            assert (new.__pydantic_extra__, new.__pydantic_private__) == (
                old.__pydantic_extra__,
                old.__pydantic_private__,
            )
            assert new.model_dump() == old.model_dump()
            pairs += [(getattr(old, name), getattr(new, name)) for name in type(old).model_fields]
        elif isinstance(old, list):
            pairs += list(zip(old, new, strict=True))
        elif isinstance(old, dict):
            pairs += [(old[k], new[k]) for k in old]
    assert seen > 2000
    rule = next(iter(again.rules.values()))
    assert "conditions" in rule.__dict__  # the parsed conditions travel with the cache
    try:
        rule.id = "x"  # type: ignore[misc]
    except ValueError:
        pass
    else:
        raise AssertionError("a cached model must stay frozen")
