"""Issue 14 item 6: hash sets (NSRL RDS v3, VICS 2.0, plain lists) for ``image ls`` and ``image extract``.

The sets are built here from the files an extraction wrote: plain lists by the real ``sha256sum``/``md5sum``, an
NSRL RDS v3-shaped SQLite database from its documented schema (``METADATA`` table, ``FILE`` view, upper-case hex),
and a VICS 2.0 JSON file with a byte-order mark. Each test checks that exactly the files put in a set are matched.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from evidence.hashing import hashsets
from evidence.hashing.hashset_sources import HashSetError
from evidence.hashing.hashsets import HashSet, HashSets, build_index
from tests.support.tools import tool

IMAGE = Path(__file__).resolve().parents[3] / "fixtures" / "generated" / "ext4.raw"


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def extracted(tmp_path: Path) -> dict[str, Path]:
    """The image's files as extracted (path in the image -> file written), the empty and deleted ones left out."""
    out = tmp_path / "all"
    result = CliRunner().invoke(cli, ["image", "extract", str(IMAGE), "/", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "scelle-manifest.json").read_bytes())
    files = {
        record["path"]: out / record["written"]
        for record in manifest["files"]
        if record.get("written") and record["allocated"] and record["size"] > 0
    }
    assert len(files) >= 6
    return files


def _ls(*args: str) -> dict[str, list[dict[str, str]]]:
    """Matches by path (files only)."""
    return {path: found for path, (_sha256, found) in _ls_digests(*args).items()}


def _ls_digests(*args: str) -> dict[str, tuple[str | None, list[dict[str, str]]]]:
    """(SHA-256, matches) by path (files only)."""
    result = CliRunner().invoke(cli, ["image", "ls", "--json", *args, str(IMAGE)])
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    return {r["path"]: (r["sha256"], r["hashsets"]) for r in records if r["type"] == "file"}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()  # noqa: S324 - the digest hash sets carry


def _sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()  # noqa: S324 - the digest hash sets carry


@pytest.mark.external
def test_lists_made_by_sha256sum_and_md5sum_match_exactly_their_files(
    extracted: dict[str, Path], tmp_path: Path
) -> None:
    names = sorted(extracted)
    by_sha256, by_md5 = names[0::3], names[1::3]
    sha256_list, md5_list = tmp_path / "sha256.txt", tmp_path / "md5.txt"
    for program, chosen, target in (("sha256sum", by_sha256, sha256_list), ("md5sum", by_md5, md5_list)):
        printed = subprocess.run(
            [tool(program), *(str(extracted[name]) for name in chosen)], capture_output=True, check=True
        ).stdout
        target.write_bytes(b"# made by " + program.encode() + b"\n\n" + printed)
    listed = _ls_digests("--hashset", str(sha256_list), "--hashset", str(md5_list))
    in_sha256 = {_sha256(extracted[name]) for name in by_sha256}
    in_md5 = {_sha256(extracted[name]) for name in by_md5}
    for path, (sha256, found) in listed.items():  # a copy, a hard link or a deleted file matches by its content
        expected = (["md5.txt"] if sha256 in in_md5 else []) + (["sha256.txt"] if sha256 in in_sha256 else [])
        assert sorted(match["set"] for match in found) == expected, path
    assert sum(1 for _sha256, found in listed.values() if found) >= len(by_sha256) + len(by_md5)
    algorithms = {match["algorithm"] for _sha256, found in listed.values() for match in found}
    assert algorithms == {"sha256", "md5"}


def _nsrl(path: Path, files: list[Path], filler: int = 200) -> None:
    """An RDS v3-shaped database: METADATA, PKG, and FILE as a view, hex in upper case."""
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE METADATA (version VARCHAR, build_set VARCHAR, build_date TIMESTAMP, release_date TIMESTAMP,
                               description VARCHAR);
        CREATE TABLE PKG (package_id INTEGER PRIMARY KEY, name VARCHAR, version VARCHAR);
        CREATE TABLE FILE_DATA (sha256 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL, md5 VARCHAR NOT NULL,
                                file_name VARCHAR NOT NULL, file_size INTEGER NOT NULL, package_id INTEGER NOT NULL);
        CREATE VIEW FILE AS SELECT sha256, sha1, md5, file_name, file_size, package_id FROM FILE_DATA;
        INSERT INTO METADATA VALUES ('2024.12.1', 'modern', '2024-12-01', '2024-12-02', 'test set');
        INSERT INTO PKG VALUES (1, 'Office', '1.0');
        """
    )
    rows = []
    for file in files:
        data = file.read_bytes()
        rows.append(
            (
                hashlib.sha256(data).hexdigest().upper(),
                _sha1(file).upper(),
                _md5(file).upper(),
                file.name,
                len(data),
                1,
            )
        )
    generator = random.Random(5)
    for number in range(filler):
        rows.append((*(generator.randbytes(n).hex().upper() for n in (32, 20, 16)), f"f{number}", 1, 1))
    db.executemany("INSERT INTO FILE_DATA VALUES (?, ?, ?, ?, ?, ?)", rows)
    db.commit()
    db.close()


def test_nsrl_rds_v3_matches_and_skip_known_leaves_its_files_out(extracted: dict[str, Path], tmp_path: Path) -> None:
    names = sorted(extracted)
    known = names[:3]
    nsrl = tmp_path / "RDS_2024.12.1_modern_minimal.db"
    _nsrl(nsrl, [extracted[name] for name in known])
    known_content = {_sha256(extracted[name]) for name in known}
    for path, (sha256, found) in _ls_digests("--hashset", str(nsrl)).items():
        expected = [{"set": "NSRL 2024.12.1", "kind": "nsrl", "category": "known", "algorithm": "sha256"}]
        assert found == (expected if sha256 in known_content else []), path

    out = tmp_path / "triage"
    result = CliRunner().invoke(
        cli, ["image", "extract", str(IMAGE), "/", "--out", str(out), "--hashset", str(nsrl), "--skip-known"]
    )
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "scelle-manifest.json").read_bytes())
    records = {record["path"]: record for record in manifest["files"]}
    for name in names:
        record = records[name]
        if record["sha256"] in known_content:
            assert record["skipped"] == "known" and "written" not in record
        else:
            assert (out / record["written"]).read_bytes() == extracted[name].read_bytes()
            assert record["hashsets"] == []
    assert sum(1 for record in records.values() if record.get("skipped") == "known") >= len(known)
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert written == {r["written"] for r in records.values() if "written" in r} | {"scelle-manifest.json"}


def test_vics_json_with_a_byte_order_mark_flags_by_md5_or_sha1_with_its_category(
    extracted: dict[str, Path], tmp_path: Path
) -> None:
    names = sorted(extracted)
    first, second = extracted[names[-1]], extracted[names[-2]]
    document = {
        "@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media",
        "value": [
            {"MediaID": 1, "Category": 1, "MD5": _md5(first).upper(), "MediaSize": first.stat().st_size},
            {"MediaID": 2, "Category": 2, "SHA1": _sha1(second).upper()},
            {"MediaID": 3, "Category": 3, "MD5": "00" * 16, "SHA1": "11" * 20},
        ],
    }
    vics = tmp_path / "case.json"
    vics.write_bytes(b"\xef\xbb\xbf" + json.dumps(document).encode())
    flagged = {
        _sha256(first): [{"set": "case.json", "kind": "vics", "category": "1", "algorithm": "md5"}],
        _sha256(second): [{"set": "case.json", "kind": "vics", "category": "2", "algorithm": "sha1"}],
    }
    listed = _ls_digests("--hashset", str(vics))
    for path, (sha256, found) in listed.items():
        assert found == flagged.get(sha256 or "", []), path
    text = CliRunner().invoke(cli, ["image", "ls", "--hashset", str(vics), str(IMAGE)]).stdout
    count = sum(1 for sha256, _found in listed.values() if sha256 in flagged)
    assert sum("\thashset:case.json/" in line for line in text.splitlines()) == count >= 2


def test_an_index_is_built_once_and_again_when_its_source_changes(tmp_path: Path) -> None:
    source = tmp_path / "list.txt"
    source.write_text("".join(f"{hashlib.sha256(bytes([n])).hexdigest()}  f{n}\n" for n in range(50)))
    first = hashsets.open_hash_set(source)
    cached = next((tmp_path / "cache" / "scelle" / "hashsets").glob("*.idx"))
    stamp = cached.stat().st_mtime_ns
    first.close()
    again = hashsets.open_hash_set(source)
    assert again.path == cached and cached.stat().st_mtime_ns == stamp  # not built again
    assert again.find("sha256", hashlib.sha256(b"\x07").digest()) == [""]
    again.close()
    source.write_text(f"{hashlib.sha256(b'new').hexdigest()}\n")
    os.utime(source, ns=(stamp + 10**9, stamp + 10**9))
    changed = hashsets.open_hash_set(source)
    assert changed.find("sha256", hashlib.sha256(b"new").digest()) == [""]
    assert changed.find("sha256", hashlib.sha256(b"\x07").digest()) == []
    changed.close()


def test_index_built_from_many_runs_finds_exactly_the_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hashsets, "RUN_RECORDS", 7)  # many runs to merge, repeats across runs
    generator = random.Random(11)
    digests = [generator.randbytes(20) for _ in range(300)]
    lines = [f"{d.hex()}" for d in digests] + [f"{d.hex().upper()} *again" for d in digests[:40]]
    source = tmp_path / "sha1.txt"
    source.write_text("\n".join(lines) + "\n")
    index = HashSet(build_index(source, tmp_path / "sha1.idx"))
    assert index.counts == {"sha1": 300}
    for digest in digests:
        assert index.find("sha1", digest) == [""]
    for _ in range(300):
        assert index.find("sha1", generator.randbytes(20)) == []
    assert index.find("md5", digests[0][:16]) == []
    index.close()


def test_a_digest_in_several_categories_reports_each(tmp_path: Path) -> None:
    value = "AB" * 16
    document = {"value": [{"Category": 1, "MD5": value}, {"Category": 2, "MD5": value.lower()}]}
    vics = tmp_path / "two.json"
    vics.write_text(json.dumps(document))
    sets = HashSets([vics])
    found = sets.match({"md5": value.lower(), "sha256": "00" * 32})
    assert sorted(match.category for match in found) == ["1", "2"]
    sets.close()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.txt", b"0123\n", "line 1: a digest of 2 bytes"),
        ("bad2.txt", b"# ok\n" + b"a" * 64 + b"\nzz-not-hex\n", "line 3: not a hex digest"),
        ("bad.json", b'{"values": []}', "without the 'value' list"),
        ("bad2.json", b'{"value": [{"Category": 1}]}', "has neither MD5 nor SHA1"),
        ("bad3.json", b'{"value": [{"MD5": "ab"}]}', "value[0].MD5: a digest of 1 bytes is not md5"),
        ("empty.txt", b"# nothing\n", "no digest in this hash set"),
    ],
)
def test_a_bad_set_is_refused_with_where_it_is_wrong(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    with pytest.raises(HashSetError, match=message.replace("[", r"\[").replace("]", r"\]")):
        build_index(source, tmp_path / "x.idx")
    assert not (tmp_path / "x.idx").exists()
    result = CliRunner().invoke(cli, ["image", "ls", "--hashset", str(source), str(IMAGE)])
    assert result.exit_code != 0 and message.split(":")[0] in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_database_that_is_not_nsrl_and_a_damaged_index_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(HashSetError, match="without the METADATA table and FILE view"):
        build_index(other, tmp_path / "o.idx")
    source = tmp_path / "l.txt"
    source.write_text("a" * 64 + "\n")
    index = build_index(source, tmp_path / "l.idx")
    data = index.read_bytes()
    for damaged in (data[:10], data[:-5], data[:12] + b"x" + data[13:], b"SCHSIDX1\xff\xff\xff\x7f"):
        index.write_bytes(damaged)
        with pytest.raises(HashSetError, match="hash-set index"):
            HashSet(index)


def test_hashset_index_command_writes_an_index_that_ls_takes(extracted: dict[str, Path], tmp_path: Path) -> None:
    name = sorted(extracted)[0]
    source = tmp_path / "one.txt"
    source.write_text(hashlib.sha256(extracted[name].read_bytes()).hexdigest() + "\n")
    index = tmp_path / "one.idx"
    result = CliRunner().invoke(cli, ["hashset", "index", str(source), "--out", str(index), "--json"])
    assert result.exit_code == 0, result.stderr
    facts = json.loads(result.stdout)
    assert (
        facts["digests"] == {"sha256": 1}
        and facts["source"]["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    )
    listed = _ls_digests("--hashset", str(index))
    assert name in [path for path, (_sha256, found) in listed.items() if found]
    assert all(bool(found) == (sha256 == _sha256(extracted[name])) for sha256, found in listed.values())
    again = CliRunner().invoke(cli, ["hashset", "index", str(source), "--out", str(index)])
    assert again.exit_code == 2 and "already exists" in again.stderr
