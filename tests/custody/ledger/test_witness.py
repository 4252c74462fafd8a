"""Witnesses, rollback and fork detection on real ledger files, through the commands a partner state runs.

A French authority witnesses the Moroccan ledger: `custody witness init/cosign`, `custody prove --consistency-from`,
`custody cosign`, then `custody verify --witness --witness-quorum` and `--since` (CLI contract: one clear line,
exit 3, never a traceback).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from custody.ledger.ledger import Ledger
from custody.ledger.verify import verify_ledger
from custody.model.keys import KeyPair, generate_key, save_private_key
from custody.tlog.frontier import Frontier
from tests.custody.conftest import draft
from tests.custody.support.factories import utc
from tests.custody.support.verdicts import outcome, refused

PASS = "témoin-passphrase"  # noqa: S105 - a test key's passphrase


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["custody", *map(str, args)], env={"SCELLE_PASSPHRASE": PASS})


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout


def refused_cli(result: Result, code: int, *fragments: str) -> str:
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output
    return result.output


@pytest.fixture
def world(scenario: Ledger, keys: dict[str, KeyPair], tmp_path: Path) -> dict[str, Path]:
    """The ledger (9 entries), its public key, and three witnesses' key files and states."""
    files = {"ledger": scenario.store.path, "vkey": tmp_path / "ledger.vkey"}
    files["vkey"].write_text(keys["ledger"].info.vkey)
    for name in ("w1", "w2", "w3"):
        pair = generate_key(name=f"witness.{name}.example", role="witness", organisation="PNAC", country="FR")
        save_private_key(pair, tmp_path / f"{name}.key", PASS.encode(), rounds=4)
        files[name] = tmp_path / f"{name}.key"
        files[f"{name}.state"] = tmp_path / f"{name}.state"
        out = ok(run("witness", "init", files[f"{name}.state"], "--key", files[name], "--trust", files["vkey"]))
        files[f"{name}.vkey"] = tmp_path / f"{name}.vkey"
        files[f"{name}.vkey"].write_text(out.splitlines()[-1])
    return files


def checkpoint_file(world: dict[str, Path], name: str = "cp.txt") -> Path:
    path = world["ledger"].parent / name
    path.write_text(ok(run("checkpoint", world["ledger"])))
    return path


def grow(scenario: Ledger, keys: dict[str, KeyPair], day: int) -> None:
    scenario.record(
        keys["pierre"],
        draft("analysed", at=(2026, 4, day, 9), authorities=("au-fr-31",)),
        now=utc(2026, 4, day, 12),
    )


def cosign_and_attach(world: dict[str, Path], witness: str, proof: Path | None = None) -> str:
    cp = checkpoint_file(world)
    extra = ["--proof", proof] if proof else []
    line = ok(run("witness", "cosign", world[f"{witness}.state"], cp, *extra))
    (world["ledger"].parent / "lines").write_text(line)
    ok(run("cosign", world["ledger"], world["ledger"].parent / "lines", "--witness", world[f"{witness}.vkey"]))
    return line


def test_a_2_of_3_quorum_passes_with_two_and_fails_with_one(world: dict[str, Path]) -> None:
    witnesses = ["--witness", world["w1.vkey"], "--witness", world["w2.vkey"], "--witness", world["w3.vkey"]]
    verify = ["verify", world["ledger"], "--trust", world["vkey"], *witnesses, "--witness-quorum", "2"]
    cosign_and_attach(world, "w1")
    refused_cli(run(*verify), 3, "has 1 valid cosignatures from trusted witnesses, 2 required")
    cosign_and_attach(world, "w2")
    report = json.loads(ok(run(*verify, "--json")))
    assert report["ok"] and report["witnessed"] == 9
    # Plain verify, and verify by anyone who does not know the witnesses, ignore the cosignatures.
    ok(run("verify", world["ledger"], "--trust", world["vkey"]))
    # In French, the same refusal.
    refused_cli(
        run(*verify[:-1], "3", "--lang", "fr"), 3, "porte 2 cosignatures valides de témoins de confiance, 3 requises"
    )


def test_a_bundle_checkpoint_counts_only_with_the_quorum(world: dict[str, Path]) -> None:
    cosign_and_attach(world, "w1")
    bundle = world["ledger"].parent / "b.json"
    ok(run("export", world["ledger"], "--out", bundle))
    base = ["verify", bundle, "--trust", world["vkey"], "--witness", world["w1.vkey"], "--witness", world["w2.vkey"]]
    assert "VERIFIED" in ok(run(*base, "--witness-quorum", "1"))
    refused_cli(run(*base, "--witness-quorum", "2"), 3, "cosigned by 1 trusted witnesses, 2 required")
    refused_cli(run(*base, "--witness-quorum", "3"), 1, "--witness-quorum 3 needs at least 3 --witness keys")


def test_the_witness_refuses_growth_without_proof_a_wrong_proof_and_a_rollback(
    world: dict[str, Path], scenario: Ledger, keys: dict[str, KeyPair]
) -> None:
    state = world["w1.state"]
    cosign_and_attach(world, "w1")
    old_checkpoint = checkpoint_file(world, "old.txt")
    grow(scenario, keys, 3)
    cp = checkpoint_file(world)
    before = state.read_bytes()
    refused_cli(run("witness", "cosign", state, cp), 3, "grows from 9 to 10 entries: give --proof")
    wrong = world["ledger"].parent / "wrong.json"
    wrong.write_text(ok(run("prove", world["ledger"], "--consistency-from", "8")))
    refused_cli(run("witness", "cosign", state, cp, "--proof", wrong), 3, "goes from 8 to 10 entries")
    proof = world["ledger"].parent / "proof.json"
    proof.write_text(ok(run("prove", world["ledger"], "--consistency-from", "9")))
    document = json.loads(proof.read_text())
    document["proof"][0] = document["proof"][-1] if len(document["proof"]) > 1 else "A" * 43 + "="
    bad = world["ledger"].parent / "bad.json"
    bad.write_text(json.dumps(document))
    refused_cli(run("witness", "cosign", state, cp, "--proof", bad), 3, "is not consistent with the one cosigned")
    assert state.read_bytes() == before  # a refusal leaves the state as it was
    cosign_and_attach(world, "w1", proof)
    assert json.loads(state.read_text())["logs"][scenario.header.origin]["size"] == 10
    refused_cli(run("witness", "cosign", state, old_checkpoint), 3, "has 9 entries", "fewer than the 10")


def test_the_witness_refuses_a_checkpoint_no_trusted_key_signed(world: dict[str, Path], tmp_path: Path) -> None:
    other = generate_key(name="scelle.example/MA-2026-0042", role="ledger", organisation="X", country="MA")
    with Ledger.create(tmp_path / "o.db", case="C", origin="scelle.example/MA-2026-0042", ledger_key=other) as lg:
        (tmp_path / "o.txt").write_text(lg.latest_checkpoint())
    refused_cli(run("witness", "cosign", world["w1.state"], tmp_path / "o.txt"), 3, "not signed by a ledger key")
    refused_cli(run("witness", "init", world["w1.state"], "--key", world["w1"]), 1, "already exists")
    (tmp_path / "broken").write_text(world["w1.state"].read_text()[:-20])
    refused_cli(run("witness", "cosign", tmp_path / "broken", tmp_path / "o.txt"), 1, "not a readable witness state")


def _cut_back(path: Path, size: int) -> None:
    """What the holder of the file can do without any key: cut the tree and rewrite the stored size and frontier."""
    db = sqlite3.connect(path)
    try:
        db.execute("DELETE FROM entries WHERE seq >= ?", (size,))
        db.execute("DELETE FROM checkpoints WHERE size > ?", (size,))
        db.execute("UPDATE meta SET value = ? WHERE name = 'size'", (size,))
        frontier = Frontier()
        for (h,) in db.execute("SELECT leaf_hash FROM entries ORDER BY seq"):
            frontier.append(h)
        db.execute("UPDATE meta SET value = ? WHERE name = 'frontier'", (frontier.to_bytes(),))
        db.execute("DELETE FROM heads")
        (last,) = db.execute("SELECT entry_id FROM entries WHERE kind = 'event' ORDER BY seq DESC").fetchone()
        (leaf,) = db.execute("SELECT leaf FROM entries WHERE entry_id = ?", (last,)).fetchone()
        db.execute("INSERT INTO heads VALUES (?, ?)", ("sha256:" + leaf.split(b'"sha256":"')[1][:64].decode(), last))
        db.commit()
    finally:
        db.close()


def test_a_cut_back_ledger_passes_plain_verify_and_fails_since_any_later_checkpoint(
    world: dict[str, Path], scenario: Ledger, keys: dict[str, KeyPair]
) -> None:
    cosign_and_attach(world, "w1")  # the witness state now holds the checkpoint of 9
    bundle = world["ledger"].parent / "b.json"
    ok(run("export", world["ledger"], "--out", bundle))
    grow(scenario, keys, 3)
    later = checkpoint_file(world, "later.txt")  # 10
    scenario.close()
    _cut_back(world["ledger"], 6)
    ok(run("verify", world["ledger"], "--trust", world["vkey"]))  # the file alone cannot show what was cut
    for since, size in ((later, 10), (bundle, 9), (world["w1.state"], 9)):
        err = refused_cli(run("verify", world["ledger"], "--trust", world["vkey"], "--since", since), 3)
        assert "rollback: the ledger has 6 entries (root " in err and f"fewer than the {size} entries (root " in err
    fr = refused_cli(run("verify", world["ledger"], "--trust", world["vkey"], "--since", later, "--lang", "fr"), 3)
    assert "retour en arrière : le registre compte 6 entrées" in fr


def test_a_forked_ledger_is_reported_as_equivocation_with_both_notes(
    world: dict[str, Path], scenario: Ledger, keys: dict[str, KeyPair]
) -> None:
    scenario.close()
    fork = world["ledger"].parent / "fork.db"
    shutil.copy(world["ledger"], fork)
    with Ledger.open(world["ledger"], ledger_key=keys["ledger"]) as ledger:
        ours = ledger.record(
            keys["pierre"], draft("analysed", at=(2026, 4, 3, 9), authorities=("au-fr-31",)), now=utc(2026, 4, 3, 12)
        ).checkpoint
    with Ledger.open(fork, ledger_key=keys["ledger"]) as ledger:
        theirs = ledger.record(
            keys["pierre"], draft("analysed", at=(2026, 4, 4, 9), authorities=("au-fr-31",)), now=utc(2026, 4, 4, 12)
        ).checkpoint
    trust = keys["ledger"].info.vkey
    verify_ledger(fork, trust=trust)  # each ledger holds on its own
    report = refused(lambda: verify_ledger(fork, trust=trust, since=ours))
    (finding,) = report.findings
    assert finding.startswith("equivocation: two checkpoints of scelle.example/MA-2026-0042")
    assert ours in finding and theirs in finding
    # Through the CLI too, and a witness that cosigned one side refuses the other.
    (world["ledger"].parent / "ours.txt").write_text(ours)
    (world["ledger"].parent / "theirs.txt").write_text(theirs)
    err = refused_cli(run("verify", fork, "--trust", world["vkey"], "--since", world["ledger"].parent / "ours.txt"), 3)
    assert "equivocation" in err and ours in err and theirs in err
    ok(run("witness", "cosign", world["w2.state"], world["ledger"].parent / "ours.txt"))
    err = refused_cli(run("witness", "cosign", world["w2.state"], world["ledger"].parent / "theirs.txt"), 3)
    assert "equivocation" in err and ours in err and theirs in err
    # Two notes of one size in the --since file itself.
    assert any(
        "equivocation" in f for f in outcome(lambda: verify_ledger(fork, trust=trust, since=[ours, theirs])).findings
    )


def test_a_bad_cosignature_by_a_trusted_witness_is_a_finding(world: dict[str, Path]) -> None:
    line = cosign_and_attach(world, "w1")
    db = sqlite3.connect(world["ledger"])
    (size, note) = db.execute("SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1").fetchone()
    blob = line.split(" ")[2].strip()
    flipped = blob[:20] + ("A" if blob[20] != "A" else "B") + blob[21:]
    db.execute("UPDATE checkpoints SET note = ? WHERE size = ?", (note.replace(blob, flipped), size))
    db.commit()
    db.close()
    verify = ["verify", world["ledger"], "--trust", world["vkey"]]
    ok(run(*verify))  # nobody who does not trust w1 cares
    refused_cli(run(*verify, "--witness", world["w1.vkey"]), 3, "the cosignature by the trusted witness")


def test_prove_and_cosign_refuse_bad_input_with_one_line(world: dict[str, Path], tmp_path: Path) -> None:
    refused_cli(run("prove", world["ledger"]), 1, "give either --event ID or --consistency-from N")
    refused_cli(run("prove", world["ledger"], "--consistency-from", "99"), 1, "must be in 1..9")
    (tmp_path / "junk").write_text("not a line\n")
    refused_cli(run("cosign", world["ledger"], tmp_path / "junk", "--witness", world["w1.vkey"]), 1, "em dash")
    refused_cli(run("verify", world["ledger"], "--trust", world["vkey"], "--since", tmp_path / "junk"), 1, "no signed")
    refused_cli(run("verify", world["ledger"], "--trust", world["vkey"], "--witness", "x+1+2"), 1, "witness key")


def test_cosign_takes_a_whole_cosigned_note_or_lines_on_stdin(world: dict[str, Path], tmp_path: Path) -> None:
    cp = checkpoint_file(world)
    line = ok(run("witness", "cosign", world["w1.state"], cp))
    (tmp_path / "cosigned.txt").write_text(cp.read_text() + line)  # the checkpoint note with the line added
    w1, w2 = ["--witness", str(world["w1.vkey"])], ["--witness", str(world["w2.vkey"])]
    assert "1 cosignatures attached to the checkpoint of 9 entries" in ok(
        run("cosign", world["ledger"], tmp_path / "cosigned.txt", *w1)
    )
    line2 = ok(run("witness", "cosign", world["w2.state"], cp))
    result = CliRunner().invoke(cli, ["custody", "cosign", str(world["ledger"]), "-", *w2], input=line2)
    assert result.exit_code == 0, result.output
    ok(run("verify", world["ledger"], "--trust", world["vkey"], *w1, *w2))
    refused_cli(
        run("cosign", world["ledger"], tmp_path / "cosigned.txt", "--size", "8", *w1), 1, "of 9 entries, not of 8"
    )
    (tmp_path / "l1").write_text(line)
    refused_cli(run("cosign", world["ledger"], tmp_path / "l1", "--size", "99", *w1), 1, "no stored checkpoint of 99")


def _stored(world: dict[str, Path]) -> list[tuple[int, str]]:
    db = sqlite3.connect(world["ledger"])
    try:
        return list(db.execute("SELECT size, note FROM checkpoints ORDER BY size"))
    finally:
        db.close()


def test_cosign_stores_only_lines_that_verify_with_a_witness_key_given(world: dict[str, Path], tmp_path: Path) -> None:
    cp = checkpoint_file(world)
    (tmp_path / "l1").write_text(ok(run("witness", "cosign", world["w1.state"], cp)))
    before = _stored(world)
    # Without --witness, nothing is stored: a line nobody checked could make verify fail for all who trust w1.
    refused_cli(run("cosign", world["ledger"], tmp_path / "l1"), 1, "give the key of each witness")
    french = refused_cli(run("cosign", world["ledger"], tmp_path / "l1", "--lang", "fr"), 1, "indiquez la clé")
    assert "(--witness VKEY) : seules" in french
    # A line by a witness not given, or over another checkpoint: refused, nothing stored.
    refused_cli(
        run("cosign", world["ledger"], tmp_path / "l1", "--witness", world["w2.vkey"]),
        3,
        "is not by a witness key given with --witness; nothing was stored",
    )
    refused_cli(
        run("cosign", world["ledger"], tmp_path / "l1", "--size", "6", "--witness", world["w1.vkey"]),
        3,
        "does not verify with the witness key",
    )
    assert _stored(world) == before
    w1, w2 = ["--witness", str(world["w1.vkey"])], ["--witness", str(world["w2.vkey"])]
    assert "1 cosignatures attached" in ok(run("cosign", world["ledger"], tmp_path / "l1", *w2, *w1))
    ok(run("verify", world["ledger"], "--trust", world["vkey"], *w1))
