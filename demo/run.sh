#!/usr/bin/env bash
# The main job on bundled sample data: read an E01, acquire an image into a new E01 while hashing it, verify it,
# keep custody of it in a signed ledger under a legal authority, and verify the bundle a prosecutor would receive.
# Usage: bash demo/run.sh [OUTDIR]   (default: a new temporary directory; nothing in the repository is modified)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
scelle="${SCELLE:-$here/.venv/bin/scelle}"
[ -x "$scelle" ] || scelle="scelle"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
export SCELLE_PASSPHRASE="${SCELLE_PASSPHRASE:-demo passphrase, not for real cases}"
sample="$here/fixtures/images/sleuthkit/imageformat_mmls_1.E01"
raw="$here/fixtures/images/pytsk/image.raw"
step() { printf '\n== %s\n' "$*"; }

step "1. Read a bundled E01 (FTK Imager, two NTFS partitions): info, then every entry as fls -r -p lists it"
"$scelle" image info "$sample"
"$scelle" image ls "$sample" --partition 2 | head -15
echo "..."

step "2. List a small ext2 image with deleted files, with SHA-256 + BLAKE3 of each file (JSON lines)"
"$scelle" image ls "$raw" --hash --json | head -4

step "3. Keys for a Moroccan examiner and for the ledger (Ed25519, encrypted at rest)"
"$scelle" custody key new --name "Amina El Idrissi" --role examiner --org "DGSN Rabat" --country MA --out "$out/amina.key"
"$scelle" custody key new --name "scelle.example/MA-2026-0042" --role ledger --org "DGSN Rabat" --country MA \
    --out "$out/ledger.key"
"$scelle" custody init "$out/case.ledger" --case MA-2026-0042 --origin scelle.example/MA-2026-0042 --key "$out/ledger.key"

step "4. The domestic order that permits the seizure and acquisition"
issued=$(date -u -d '-1 day' +%Y-%m-%d); until=$(date -u -d '+90 days' +%Y-%m-%d)
"$scelle" custody authority add "$out/case.ledger" --key "$out/amina.key" --instrument domestic-order \
    --issuing-state MA --issuing-authority "Tribunal de première instance de Rabat" --issuing-authority-type court \
    --reference TPI-2026-117 --issued "$issued" --valid-until "$until" --offence "fraude informatique" --scope content

step "5. Acquire the image into an E01 (MD5/SHA-1 inside, SHA-256/BLAKE3 in the record) and log it in the ledger"
"$scelle" acquire "$raw" "$out/disk.E01" --format e01 --case MA-2026-0042 --evidence HD-1 \
    --examiner "Amina El Idrissi" --description "disque du portable saisi" --notes "scellé n° 17" --quiet \
    --ledger "$out/case.ledger" --key "$out/amina.key" --authority TPI-2026-117 --seal SC-17

step "6. Verify the E01 against its stored hashes and its acquisition record"
"$scelle" verify "$out/disk.E01" --quiet

step "7. Verify the whole ledger against its public key, then export and verify the bundle for a prosecutor (report in French)"
"$scelle" custody key show "$out/ledger.key" --public --out "$out/ledger.pub"
"$scelle" custody verify "$out/case.ledger" --trust "$out/ledger.pub"
"$scelle" custody export "$out/case.ledger" --out "$out/bundle.json" --artefact "$out/disk.E01" \
    --report "$out/rapport.html" --lang fr
"$scelle" custody verify "$out/bundle.json" --trust "$out/ledger.pub" --artefact "$out/disk.E01" --lang fr

step "8. Cross-border handover: France keeps its own ledger; only offer.scelle and receipt.scelle travel"
mkdir -p "$out/fr"
"$scelle" custody key new --name "Pierre Martin" --role examiner --org "OFAC Nanterre" --country FR --out "$out/fr/pierre.key"
"$scelle" custody key new --name "scelle.example/FR-JI-2026-77" --role ledger --org "OFAC Nanterre" --country FR \
    --out "$out/fr/ledger.key"
"$scelle" custody init "$out/fr/fr.ledger" --case FR-JI-2026-77 --origin scelle.example/FR-JI-2026-77 \
    --key "$out/fr/ledger.key"
"$scelle" custody authority add "$out/fr/fr.ledger" --key "$out/fr/pierre.key" --instrument domestic-order \
    --issuing-state FR --issuing-authority "Juge d'instruction, TJ Paris" --issuing-authority-type investigating-judge \
    --reference JI-PARIS-77 --issued "$issued" --valid-until "$until" --offence "escroquerie" --scope content
"$scelle" custody key show "$out/fr/pierre.key" --public --out "$out/pierre.pub"        # sent to Morocco out of band
"$scelle" custody key show "$out/fr/ledger.key" --public --out "$out/fr-ledger.pub"
"$scelle" custody authority add "$out/case.ledger" --key "$out/amina.key" --instrument budapest-31 \
    --issuing-state FR --issuing-authority "Juge d'instruction, TJ Paris" --reference JI-77 --issued "$issued" \
    --valid-until "$until" --requested-state MA --offence "escroquerie" --facts "hameçonnage" --scope content \
    --identifier "disque HD-1"
"$scelle" custody offer "$out/case.ledger" --from-key "$out/amina.key" --to "$out/pierre.pub" \
    --artefact "$out/disk.E01" --authority JI-77 --category content --out "$out/offer.scelle"
"$scelle" custody receive "$out/offer.scelle" --ledger "$out/fr/fr.ledger" --key "$out/fr/pierre.key" \
    --trust "$out/ledger.pub" --authority JI-PARIS-77 --out "$out/receipt.scelle"
"$scelle" custody complete "$out/case.ledger" "$out/receipt.scelle" --trust "$out/fr-ledger.pub"
"$scelle" custody record "$out/fr/fr.ledger" --key "$out/fr/pierre.key" --action analysed --artefact "$out/disk.E01" \
    --authority JI-PARIS-77 --category content --tool "scelle"
"$scelle" custody export "$out/fr/fr.ledger" --out "$out/linked.json" --report "$out/rapport-lie.html" --lang fr \
    > /dev/null
"$scelle" custody verify "$out/linked.json" --trust "$out/ledger.pub" --trust "$out/fr-ledger.pub" --lang fr

step "Done: outputs in $out (disk.E01, disk.E01.acquisition.json, case.ledger, bundle.json, rapport.html,
offer.scelle, receipt.scelle, fr/fr.ledger, linked.json, rapport-lie.html)"
