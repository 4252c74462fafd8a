"""The ``bundle`` target of the fuzz harness: a prosecutor's bundle, exported from a real ledger, then mutated.

The ledger (made once per run, with the library) holds a legal authority and two events about one artefact,
signed by an examiner's key; its bundle is exported with ``custody.export_ledger``. A case mutates the bundle either
as bytes (``harness.mutate``) or as JSON (a value, key or list item of the parsed bundle changed, dropped, added or
duplicated, then written back in the exported form), and runs ``scelle custody verify BUNDLE --trust LEDGER.pub``:
only the public command, so the target holds whatever the verifier's internals become.

Oracle: a bundle that verifies (exit 0) must be the original bundle as JSON, read strictly (numbers kept as
written, duplicate keys kept): the bytes may differ only where JSON does not see them (white space). A mutant whose
content differs and still verifies is a ``misread``: the verifier vouched for something that was not signed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from tests.fuzz.harness import Case, Corpus, Ran, mutate


def prepare(corpus: Corpus) -> dict[str, object]:
    """Make the ledger and export its bundle; keep the bundle and the ledger's public key file."""
    from custody import (
        Artefact,
        Authority,
        EventDraft,
        Ledger,
        Offence,
        Scope,
        export_ledger,
        generate_key,
        save_public_key,
    )

    now = datetime.now(UTC)
    examiner = generate_key(name="Amina El Idrissi", role="examiner", organisation="DGSN Rabat", country="MA")
    ledger_key = generate_key(name="fuzz.example/B", role="ledger", organisation="DGSN Rabat", country="MA")
    order = Authority(
        id="au-fuzz-1",
        instrument="domestic-order",
        issuing_state="MA",
        issuing_authority="Tribunal de première instance de Rabat",
        reference="TPI-2026-1",
        issued=now - timedelta(days=1),
        valid_from=now - timedelta(days=1),
        valid_until=now + timedelta(days=90),
        offence=Offence(description="fraude informatique"),
        scope=Scope(categories=("content",)),
    )
    media = Artefact(digests={"sha256": "ab" * 32, "blake3": "cd" * 32}, name="disque.E01", size=1 << 20)
    path = corpus.base / "bundle.ledger"
    with Ledger.create(path, case="C-2", origin="fuzz.example/B", ledger_key=ledger_key) as ledger:
        ledger.add_authority(order, examiner)
        for action in ("acquired", "analysed"):
            draft = EventDraft(
                action=action,
                artefacts=(media,),
                occurred_at=now - timedelta(minutes=5),
                occurred_tz="Africa/Casablanca",
                authorities=(order.id,),
                location="Rabat, labo 2",
            )
            ledger.record(examiner, draft)
    bundle = corpus.base / "bundle.json"
    bundle.write_bytes(export_ledger(path, [media.key]).data)
    trust = corpus.base / "bundle-ledger.pub"
    save_public_key(ledger_key.info, trust)
    return {"bundle": bundle, "bundle_trust": trust}


def strict(data: bytes) -> object:
    """The JSON value of ``data`` with every number kept as its text and every object as its list of pairs, so
    that ``1`` and ``1.0``, or an object with a key given twice, differ from the original; None if not JSON."""
    try:
        return json.loads(data, parse_float=lambda s: ("float", s), parse_int=lambda s: ("int", s),
                          parse_constant=lambda s: ("constant", s), object_pairs_hook=list)  # fmt: skip
    except ValueError:
        return None


def _nodes(value: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _nodes(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _nodes(item, (*path, index))
    return found


def _changed(value: object, rng: random.Random) -> object:
    """Another value for a leaf or a container: near the original (one character, off by one) or of another kind."""
    if isinstance(value, bool):
        return rng.choice([not value, None, 1, "true"])
    if isinstance(value, int):
        return rng.choice([value + 1, value - 1, 0, -1, 1 << 63, -(1 << 63), 10**30, float(value), str(value)])
    if isinstance(value, str):
        if value and rng.random() < 0.6:
            at = rng.randrange(len(value))
            return value[:at] + rng.choice("0aA=/+-:\n Z\u00e9\u0000") + value[at + 1 :]
        return rng.choice(["", value + value, value.upper(), None, 0, [value], {"": value}])
    if isinstance(value, list):
        out = list(value)
        roll = rng.random()
        if out and roll < 0.35:
            del out[rng.randrange(len(out))]
        elif out and roll < 0.7:
            out.insert(rng.randrange(len(out) + 1), rng.choice(out))
        elif len(out) > 1:
            first, second = rng.sample(range(len(out)), 2)
            out[first], out[second] = out[second], out[first]
        else:
            out.append(None)
        return out
    if isinstance(value, dict):
        out_dict = dict(value)
        if out_dict and rng.random() < 0.5:
            del out_dict[rng.choice(sorted(out_dict))]
        else:
            out_dict[rng.choice(["note", "extra", "signatures", "index", "z"])] = rng.choice(["x", 0, None, []])
        return out_dict
    return rng.choice(["", 0, [], {}])


def _mutate_json(data: bytes, rng: random.Random) -> bytes:
    document = json.loads(data)
    for _ in range(rng.randint(1, 2)):
        paths = _nodes(document)
        path = rng.choice(paths[1:])
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = _changed(parent[path[-1]], rng)
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def bundle_case(corpus: Corpus, rng: random.Random, work: Path) -> Case:
    original = Path(str(corpus.extra["bundle"])).read_bytes()
    mutant = work / "bundle.json"
    mutant.write_bytes(_mutate_json(original, rng) if rng.random() < 0.6 else mutate(original, rng))
    command = ("custody", "verify", str(mutant), "--trust", str(corpus.extra["bundle_trust"]))
    return Case((command,), partial(_judge, strict(original), mutant))


def _judge(original: object, mutant: Path, _work: Path, ran: Sequence[Ran]) -> tuple[str, str] | None:
    if ran[0].code == 0 and strict(mutant.read_bytes()) != original:
        return "misread", "the bundle verifies, but its content is not the exported bundle's"
    return None
