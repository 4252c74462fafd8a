"""Read an evidence image, keep custody of it in a signed ledger, export and verify the prosecutor's bundle.

python library_example.py IMAGE WORKDIR   (IMAGE: x.E01, x.001 or disk.raw; the ledger and bundle go to WORKDIR)
"""
# ruff: noqa: T201 - an example prints

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from custody import (
    Artefact,
    Authority,
    EventDraft,
    Ledger,
    Offence,
    Scope,
    export_ledger,
    generate_key,
    read_trust,
    save_public_key,
    verify_bundle,
    verify_ledger,
)
from evidence import digest_media, list_volumes, open_filesystems, open_image

image, work = Path(sys.argv[1]), Path(sys.argv[2])

# 1. Open the image (the other segments are found), list its partitions, walk and hash every file.
with open_image([image]) as source:
    print(source.format, source.size, source.metadata.stored_hashes)
    for volume in list_volumes(source):
        print(volume.index, volume.start_sector, volume.sector_count, volume.description)
    for fs in open_filesystems(source).filesystems:
        for entry in fs.walk():  # deleted and orphan files, NTFS streams: all that fls -r -p lists
            sha256 = fs.digest(entry)["sha256"] if entry.has_content and entry.allocated else "-"
            print(entry.partition, entry.inode, entry.allocated, entry.path, sha256)
    # An image is named in custody by its media (the seized disk's bytes), not by its container file.
    media = Artefact(digests=digest_media(source, ("sha256", "blake3")).hexdigests(), name=image.name, size=source.size)

# 2. Keys (a real examiner loads hers: load_private_key), a ledger for the case, the order, one signed event.
now = datetime.now(UTC)
examiner = generate_key(name="Amina El Idrissi", role="examiner", organisation="DGSN Rabat", country="MA")
ledger_key = generate_key(name="scelle.example/MA-2026-0042", role="ledger", organisation="DGSN Rabat", country="MA")
order = Authority(
    id="au-tpi-2026-117",
    instrument="domestic-order",
    issuing_state="MA",
    issuing_authority="Tribunal de première instance de Rabat",
    reference="TPI-2026-117",
    issued=now - timedelta(days=1),
    valid_from=now - timedelta(days=1),
    valid_until=now + timedelta(days=90),
    offence=Offence(description="fraude informatique"),
    scope=Scope(categories=("content",)),
)
with Ledger.create(
    work / "case.ledger", case="MA-2026-0042", origin="scelle.example/MA-2026-0042", ledger_key=ledger_key
) as ledger:
    ledger.add_authority(order, examiner)
    event = EventDraft(
        action="acquired",
        artefacts=(media,),
        occurred_at=now - timedelta(minutes=5),
        occurred_tz="Africa/Casablanca",
        authorities=(order.id,),
        location="DGSN Rabat, lab 2",
    )
    appended = ledger.record(examiner, event)
    print("recorded", appended.entry.entry_id, "entry", appended.index, "ledger size", appended.size)

# 3. Export the bundle for a prosecutor; the ledger's public key travels apart, out of band.
exported = export_ledger(work / "case.ledger", [media.key])
(work / "bundle.json").write_bytes(exported.data)
save_public_key(ledger_key.info, work / "ledger.pub")

# 4. Verify, as the receiving authority would: each call raises VerificationError unless everything holds.
trusted = read_trust(work / "ledger.pub")
ledger_report = verify_ledger(work / "case.ledger", trust=trusted)
bundle_report = verify_bundle((work / "bundle.json").read_bytes(), trusted, [image])
print("ledger", ledger_report.ok, ledger_report.entries, "entries")
print("bundle", bundle_report.ok, " ".join(finding.code for finding in bundle_report.results))
