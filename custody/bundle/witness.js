"use strict";
/* Witnesses' cosignatures in the browser (C2SP tlog-cosignature/v1, custody.tlog.cosignature): when the report was
   made with scelle custody verify --witness, the page checks the same witnesses' lines on the signed checkpoint.
   A line is "— <name> base64(key ID (4) || timestamp (8, big-endian seconds) || Ed25519 signature (64))"; the key
   ID is SHA-256(name || 0x0A || 0x04 || public key)[:4]; the signed message is "cosignature/v1\ntime <t>\n" and the
   checkpoint text. Lines from other keys are ignored, never a failure. Loaded before verifier.js. */
const ScelleWitness = (() => {
  const COSIGNATURE_V1 = 0x04;
  const MAX_TIMESTAMP = 2n ** 63n - 1n;
  const utf8 = new TextEncoder();

  async function keyId(name, publicKey) {
    const input = new Uint8Array([...utf8.encode(name + "\n"), COSIGNATURE_V1, ...publicKey]);
    return new Uint8Array(await crypto.subtle.digest("SHA-256", input)).slice(0, 4);
  }

  /** A witness verifier key "name+<key ID hex>+base64(0x04 || key)", or null when it is malformed. */
  async function parseVkey(vkey, b64decode) {
    const fields = typeof vkey === "string" ? /^([^+]*)\+([^+]*)\+(.*)$/s.exec(vkey) : null;
    if (!fields || !/^[0-9a-f]{8}$/.test(fields[2])) return null;
    fields.shift();
    const raw = b64decode(fields[2]);
    if (!raw || raw.length !== 33 || raw[0] !== COSIGNATURE_V1) return null;
    const id = await keyId(fields[0], raw.slice(1));
    const hex = Array.from(id, (b) => b.toString(16).padStart(2, "0")).join("");
    return hex === fields[1] ? { vkey, name: fields[0], publicKey: raw.slice(1), id } : null;
  }

  async function verifies(publicKey, signature, message) {
    try {
      const key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
      return await crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
    } catch (e) {
      return false;
    }
  }

  /** The witnesses (parsed keys) whose lines on the note verify, once each with the line's time, and those whose
      lines do not (custody.tlog.cosignature.check_cosignatures). */
  async function check(text, signatures, witnesses) {
    const valid = new Map();
    const invalid = [];
    for (const line of signatures) {
      const witness = witnesses.find((w) => w.name === line.name && w.id.every((b, i) => b === line.keyId[i]));
      if (!witness) continue;
      const blob = line.signature;
      let good = blob.length === 72;
      let time = 0n;
      if (good) {
        time = new DataView(blob.buffer, blob.byteOffset, 8).getBigUint64(0);
        const message = utf8.encode(`cosignature/v1\ntime ${time}\n${text}`);
        good = time > 0n && time <= MAX_TIMESTAMP && (await verifies(witness.publicKey, blob.slice(8), message));
      }
      if (!good) invalid.push(witness.vkey);
      else if (!valid.has(witness.vkey)) valid.set(witness.vkey, time);
    }
    return { valid: [...valid.keys()], invalid };
  }

  return { parseVkey, check };
})();
