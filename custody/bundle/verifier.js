"use strict";
/* The scelle bundle verifier for the browser: a second, independent implementation of custody.bundle.verify.

   It reads the exact bytes of a bundle and one trusted ledger key, and returns one finding per check, with the
   codes and parameters of the Python verifier (custody.i18n.FINDINGS) so the page states them in the report's
   language. Plain JavaScript, no library, no network: SHA-256 and Ed25519 come from WebCrypto (crypto.subtle).
   What it does not check is returned as findings with ok === null ("not checked by this browser"), never as a pass.
   The differential test (tests/custody/bundle/test_selfcheck_differential.py) holds it to the Python verifier. */
const ScelleVerifier = (() => {
  const KINDS = ["ledger", "key", "authority", "authority-change", "event"];
  const CLOCK_SKEW_US = 5 * 60 * 1e6;
  const MAX_TREE_SIZE = 2 ** 63 - 1;
  const MAX_LINK_DEPTH = 8;
  const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  const SHA256_KEY = /^sha256:[0-9a-f]{64}$/;
  const UTC_FORM = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{6}))?Z$/;
  const BAD_NAME = /[\x00-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000+]/;
  const utf8 = new TextEncoder();

  /** A refusal; ``why`` (a finding code and parameters) lets the page state it in its language. */
  class Refused extends Error {
    constructor(message, why = null) {
      super(message);
      this.why = why;
    }
  }
  const why = (code, params = {}) => ({ code, params, parts: [] });

  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  const concat = (...parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));

  function b64encode(bytes) {
    let text = "";
    for (const b of bytes) text += String.fromCharCode(b);
    return btoa(text);
  }

  /** Strict standard base64: right alphabet and padding, and the canonical encoding only (else null). */
  function b64decode(value) {
    if (typeof value !== "string" || !B64.test(value)) return null;
    const bytes = Uint8Array.from(atob(value), (c) => c.charCodeAt(0));
    return b64encode(bytes) === value ? bytes : null;
  }

  /** RFC 8785 text of a JSON value made of objects, arrays, strings, integers, booleans and null. */
  function canonical(value) {
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    if (value !== null && typeof value === "object") {
      const keys = Object.keys(value).sort();
      return "{" + keys.map((k) => JSON.stringify(k) + ":" + canonical(value[k])).join(",") + "}";
    }
    if (typeof value === "number" && !Number.isSafeInteger(value)) throw new Refused("a number is not an integer");
    return JSON.stringify(value);
  }

  const stripWhitespace = (text) => text.replace(/("(?:[^"\\]|\\.)*")|[ \t\n\r]+/g, (_, s) => s || "");

  function time(text, where) {
    const m = typeof text === "string" ? UTC_FORM.exec(text) : null;
    if (!m || text.endsWith(".000000Z")) throw new Refused(`${where}: not a UTC time`);
    const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== text.slice(0, 19))
      throw new Refused(`${where}: not a valid time`);
    return ms * 1000 + (m[7] ? +m[7] : 0);
  }

  function members(obj, where, required, optional = []) {
    if (obj === null || typeof obj !== "object" || Array.isArray(obj)) throw new Refused(`${where}: not an object`);
    for (const k of required) if (!(k in obj)) throw new Refused(`${where}: missing ${k}`);
    for (const k of Object.keys(obj))
      if (!required.includes(k) && !optional.includes(k)) throw new Refused(`${where}: unknown member ${k}`);
    return obj;
  }

  // The bundle file (custody.bundle.format)

  function readBundle(bytes) {
    let text;
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch (e) {
      throw new Refused("not UTF-8 text");
    }
    let obj;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      throw new Refused("not a complete JSON document");
    }
    readFormat(obj);
    if (stripWhitespace(text) !== canonical(obj)) throw new Refused("not in canonical form (RFC 8785)");
    return readObject(obj, 0);
  }

  function readFormat(obj) {
    if (obj === null || typeof obj !== "object" || obj.format !== "scelle-custody-bundle")
      throw new Refused("not a scelle custody bundle");
    if (obj.version !== 1) throw new Refused(`unknown bundle version ${obj.version}`);
  }

  /** One bundle object and, under ``linked``, the bundles of the ledgers its artefacts came from (custody.bundle.format). */
  function readObject(obj, depth) {
    readFormat(obj);
    members(obj, "bundle", ["checkpoint", "entries", "format", "selection", "version"], ["timestamps", "linked"]);
    const { checkpoint, selection, entries, timestamps, linked } = obj;
    if (typeof checkpoint !== "string" || !checkpoint) throw new Refused("bundle.checkpoint: expected text");
    const sorted = Array.isArray(selection) ? [...new Set(selection)].sort() : null;
    if (!sorted || !sorted.length || selection.some((s) => !SHA256_KEY.test(s)) || canonical(sorted) !== canonical(selection))
      throw new Refused("bundle.selection: expected sorted sha256:<hex> digests");
    if (timestamps !== undefined && (!Array.isArray(timestamps) || !timestamps.length || timestamps.some((t) => !b64decode(t))))
      throw new Refused("bundle.timestamps: expected base64 replies");
    if (linked !== undefined && (!Array.isArray(linked) || !linked.length || depth >= MAX_LINK_DEPTH))
      throw new Refused(`bundle.linked: expected a non-empty list, at most ${MAX_LINK_DEPTH} levels deep`);
    const links = (linked || []).map((item) => readObject(item, depth + 1));
    if (!Array.isArray(entries) || !entries.length) throw new Refused("bundle.entries: expected a non-empty list");
    const read = entries.map((item, i) => {
      members(item, `bundle.entries[${i}]`, ["index", "leaf", "proof"]);
      const { index, leaf, proof } = item;
      if (!Number.isSafeInteger(index) || leaf === null || typeof leaf !== "object" || Array.isArray(leaf) || !Array.isArray(proof))
        throw new Refused(`bundle.entries[${i}]: expected index, leaf object and proof list`);
      const hashes = proof.map((h) => b64decode(h));
      if (hashes.some((h) => !h || h.length !== 32)) throw new Refused(`bundle.entries[${i}].proof: bad hash`);
      return { index, leaf, bytes: utf8.encode(canonical(leaf)), proof: hashes };
    });
    for (let i = 1; i < read.length; i++)
      if (read[i].index <= read[i - 1].index) throw new Refused("bundle.entries: indexes must be strictly increasing");
    return { checkpoint, selection, entries: read, timestamps: timestamps || [], linked: links };
  }

  // C2SP signed notes and checkpoints (custody.tlog.notes)

  async function keyId(name, publicKey) {
    return (await sha256(concat(utf8.encode(name + "\n"), Uint8Array.of(1), publicKey))).slice(0, 4);
  }

  const validName = (name) => typeof name === "string" && name !== "" && !BAD_NAME.test(name);

  function parseNote(note) {
    if (/[\x00-\x09\x0b-\x1f]/.test(note)) throw new Refused("note contains a control character");
    const split = note.lastIndexOf("\n\n");
    if (split < 0) throw new Refused("note has no blank line before its signatures");
    const text = note.slice(0, split + 1);
    const block = note.slice(split + 2);
    if (!block || !block.endsWith("\n")) throw new Refused("note has no signature lines");
    const lines = block.slice(0, -1).split("\n");
    if (lines.length > 100) throw new Refused("note has too many signatures");
    const signatures = lines.map((line) => {
      if (!line.startsWith("\u2014 ")) throw new Refused("signature line does not start with an em dash");
      const rest = line.slice(2);
      const space = rest.indexOf(" ");
      const name = space < 0 ? rest : rest.slice(0, space);
      const raw = b64decode(space < 0 ? "" : rest.slice(space + 1));
      if (!validName(name)) throw new Refused(`invalid key name ${JSON.stringify(name)}`);
      if (!raw || raw.length < 5) throw new Refused(`signature of ${name} is malformed`);
      return { name, keyId: raw.slice(0, 4), signature: raw.slice(4) };
    });
    return { text, signatures };
  }

  function parseCheckpoint(text) {
    if (!text.endsWith("\n")) throw new Refused("checkpoint text must end with a newline");
    const lines = text.slice(0, -1).split("\n");
    if (lines.length < 3) throw new Refused("checkpoint needs origin, size and root lines");
    const [origin, size, root] = lines;
    if (!/^(0|[1-9][0-9]*)$/.test(size) || Number(size) > MAX_TREE_SIZE) throw new Refused("bad checkpoint size");
    const rootBytes = b64decode(root);
    if (!origin || !rootBytes || rootBytes.length !== 32 || lines.slice(3).some((l) => !l))
      throw new Refused("malformed checkpoint");
    return { origin, size: Number(size), root: rootBytes };
  }

  async function ed25519(publicKey, signature, message) {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    try {
      const key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
      return await crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
    } catch (e) {
      return false;
    }
  }

  // RFC 9162 Merkle trees (custody.tlog.merkle)

  const leafHash = (leaf) => sha256(concat(Uint8Array.of(0), leaf));
  const nodeHash = (left, right) => sha256(concat(Uint8Array.of(1), left, right));

  /** RFC 9162 §2.1.3.2: the root an inclusion proof gives, or null when the proof cannot hold. */
  async function rootFromProof(index, size, hash, proof) {
    if (index < 0 || index >= size) return null;
    let fn = index;
    let sn = size - 1;
    let r = hash;
    for (const p of proof) {
      if (sn === 0) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(p, r);
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }

  // Entries (custody.model.entries): the leaf, its kind, its signatures and the bytes they cover

  const fingerprint = async (publicKey) => "sha256:" + hex(await sha256(publicKey));
  const handlerKey = (h) => JSON.stringify([h.name, h.role, h.organisation, h.country, h.key_fingerprint]);

  function handler(h, where) {
    members(h, where, ["name", "role", "organisation", "country", "key_fingerprint"]);
    if (Object.values(h).some((v) => typeof v !== "string")) throw new Refused(`${where}: expected text`);
    return h;
  }

  async function parseLeaf(item, rules) {
    const leaf = members(item.leaf, "leaf", ["body", "kind", "signatures"]);
    const { body, kind, signatures } = leaf;
    if (!KINDS.includes(kind) || !Array.isArray(signatures)) return { kind, unsupported: true };
    if (body === null || typeof body !== "object" || Array.isArray(body)) throw new Refused(`${kind}: not an object`);
    const sigs = signatures.map((s) => {
      members(s, "signature", ["key", "sig"]);
      const sig = b64decode(s.sig);
      if (typeof s.key !== "string" || !sig || sig.length !== 64) throw new Refused("malformed signature");
      return { key: s.key, sig };
    });
    const text = new TextDecoder().decode(item.bytes);
    let payload = utf8.encode(`scelle-${kind}-v1\n` + text.slice(8, text.lastIndexOf(',"kind":"')));
    if (kind === "event" && body.signed_at !== undefined) {
      // A transfer recorded after both handlers signed it: they signed it as it was then (custody.model.handover).
      const signed = Object.assign({}, body, { recorded_at: body.signed_at });
      delete signed.signed_at;
      payload = utf8.encode(`scelle-${kind}-v1\n` + canonical(signed));
    }
    const entry = { index: item.index, kind, body, signatures: sigs, payload };
    if (kind === "ledger") {
      entry.publicKey = b64decode(body.public_key);
      if (!entry.publicKey || entry.publicKey.length !== 32 || typeof body.origin !== "string") throw new Refused("bad ledger header");
      entry.id = "ledger";
      entry.expected = [await fingerprint(entry.publicKey)];
    } else if (kind === "key") {
      entry.publicKey = b64decode(body.public_key);
      handler(body.handler, "key.handler");
      if (!entry.publicKey || entry.publicKey.length !== 32 || (await fingerprint(entry.publicKey)) !== body.handler.key_fingerprint)
        throw new Refused("key: the handler's key fingerprint is not the fingerprint of the public key");
      entry.id = body.handler.key_fingerprint;
      entry.expected = [entry.id];
    } else if (kind === "authority") {
      entry.id = body.id;
      if (!rules.known(body.instrument)) throw new Refused(`authority: unknown instrument ${JSON.stringify(body.instrument)}`);
      entry.issued = time(body.issued, "authority.issued");
      entry.from = time(body.valid_from, "authority.valid_from");
      entry.until = time(body.valid_until, "authority.valid_until");
      const v = body.validation;
      entry.validation = v ? { date: time(v.date, "authority.validation.date"), type: v.authority_type } : null;
      entry.expected = null;
    } else if (kind === "authority-change") {
      entry.id = body.id;
      if (!["extend", "validate", "revoke"].includes(body.change) || (body.change === "extend") !== (body.valid_until !== null))
        throw new Refused("change: unknown change, or a new end without an extension");
      entry.at = time(body.at, "change.at");
      entry.recorded = time(body.recorded_at, "change.recorded_at");
      entry.until = body.valid_until === null ? null : time(body.valid_until, "change.valid_until");
      entry.expected = null;
    } else {
      entry.id = body.id;
      handler(body.handler, "event.handler");
      if (body.counter_party !== null) handler(body.counter_party, "event.counter_party");
      entry.occurred = time(body.occurred_at, "event.occurred_at");
      entry.recorded = time(body.recorded_at, "event.recorded_at");
      for (const list of ["artefacts", "authorities", "prev", "categories"])
        if (!Array.isArray(body[list])) throw new Refused(`event.${list}: expected a list`);
      for (const a of body.artefacts) if (!a.digests || typeof a.digests.sha256 !== "string") throw new Refused("artefact without SHA-256");
      entry.keys = body.artefacts.map((a) => "sha256:" + a.digests.sha256);
      entry.expected = [body.handler.key_fingerprint].concat(body.counter_party ? [body.counter_party.key_fingerprint] : []);
      handoverMembers(body, entry.recorded);
      const sources = body.derived_from;
      if (sources !== undefined && (body.action !== "derived" || !Array.isArray(sources) || !sources.length
        || !sources.every((s) => typeof s === "string" && /^sha256:[0-9a-f]{64}$/.test(s))))
        throw new Refused("event.derived_from: a non-empty list of sha256 keys, of a derived event only");
    }
    return entry;
  }

  /** An offered event names its recipient, a received event its handover link, and only a transfer recorded after
      it was signed has a signed_at (custody.model.handover). */
  function handoverMembers(body, recorded) {
    if ((body.action === "offered") !== (body.recipient !== undefined)) throw new Refused("event.recipient: for, and only for, an offer");
    if ((body.action === "received") !== (body.handover !== undefined)) throw new Refused("event.handover: for, and only for, a receipt");
    if (body.recipient !== undefined) handler(body.recipient, "event.recipient");
    if (body.handover !== undefined) {
      const link = members(body.handover, "event.handover", ["offer", "origin", "root", "size"]);
      const root = b64decode(link.root);
      if (typeof link.offer !== "string" || !link.offer || typeof link.origin !== "string" || !link.origin || !root || root.length !== 32
        || !Number.isSafeInteger(link.size) || link.size <= 0)
        throw new Refused("event.handover: expected origin, size, root and offer");
    }
    if (body.signed_at !== undefined && (body.action !== "transferred" || !(time(body.signed_at, "event.signed_at") < recorded)))
      throw new Refused("event.signed_at: only a transfer, signed before it is recorded");
  }

  // The verification run (custody.bundle.verify._Verifier): every step adds findings, none is skipped

  /** Verify the bundle's bytes against the trusted ledger key, or a list of them (one per ledger of a linked
      history: ``{name, publicKey}`` each); the result has ``ok``, the ``findings`` and what the bundle holds. */
  async function verify(bundleBytes, trust, facts = {}, options = {}) {
    let bundle;
    try {
      bundle = readBundle(bundleBytes);
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      return { ok: false, findings: [{ code: "format.bad", ok: false, params: { detail: e.message } }], contents: null };
    }
    const keys = Array.isArray(trust) ? trust : [trust];
    if (!keys.length) throw new Error("no trusted ledger key given");
    const witnesses = [];
    for (const vkey of options.witnesses || []) {
      const parsed = await ScelleWitness.parseVkey(vkey, b64decode);
      if (!parsed) throw new Error(`malformed witness key ${vkey}`);
      witnesses.push(parsed);
    }
    const quorum = options.quorum === undefined ? witnesses.length : options.quorum;
    return verifyOne(bundle, keys, facts, true, { witnesses, quorum });
  }

  async function verifyOne(bundle, trusted, facts, top, policy = { witnesses: [], quorum: 0 }) {
    const findings = [];
    const add = (code, ok, params = {}, parts = []) => findings.push({ code, ok, params, parts });
    const rules = ScelleRules.Rules(facts);
    const first = bundle.entries[0].leaf;
    const isHeader = first.kind === "ledger" && first.body !== null && typeof first.body === "object";
    const headerKey = isHeader ? b64decode(first.body.public_key) : null;
    const chosen = ScelleLinks.chooseKey(headerKey, isHeader ? first.body.origin : "", trusted, top, equal);
    if (chosen.untrusted !== null) add("trust.missing", false, { origin: chosen.untrusted });
    const trust = chosen.key;
    const trustedFingerprint = await fingerprint(trust.publicKey);
    const headerName = isHeader && typeof first.body.key_name === "string" ? first.body.key_name : "";
    const name = trust.name || headerName;
    let read = null;

    let point = null;
    try {
      const note = parseNote(bundle.checkpoint);
      const parsed = parseCheckpoint(note.text);
      read = parsed;
      if (!validName(name)) throw new Refused(`invalid key name ${JSON.stringify(name)}`);
      const id = await keyId(name, trust.publicKey);
      const ours = note.signatures.filter((s) => s.name === name && equal(s.keyId, id));
      for (const s of ours)
        if (!(await ed25519(trust.publicKey, s.signature, utf8.encode(note.text))))
          throw new Refused(`invalid signature by trusted key ${name}+${hex(id)}`, why("browser.checkpoint_signature", { name }));
      if (!ours.length) throw new Refused("note is not signed by any trusted key", why("browser.checkpoint_unsigned", { name }));
      point = parsed;
      // Other signature lines (witnesses' cosignatures) are ignored, as scelle verify does without --witness.
      const others = note.signatures.filter((s) => s.name !== name);
      add("checkpoint.ok", true, { key: trustedFingerprint, origin: point.origin, size: point.size });
      if (policy.witnesses.length) await cosignatures(note, policy, add);
      else if (others.length) add("browser.cosignatures", null, { count: others.length });
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      add("checkpoint.bad", false, { detail: e.message }, e.why ? [e.why] : []);
    }
    if (bundle.timestamps.length) add("browser.timestamps", null, { count: bundle.timestamps.length });

    const parsed = [];
    let proved = 0;
    for (const item of bundle.entries) {
      let entry;
      try {
        entry = await parseLeaf(item, rules);
      } catch (e) {
        add("leaf.bad", false, { index: item.index, detail: e.message });
        continue;
      }
      if (entry.unsupported) {
        add("browser.kind", false, { index: item.index, kind: String(entry.kind) });
        continue;
      }
      parsed.push(entry);
      if (point === null) continue;
      const root = await rootFromProof(item.index, point.size, await leafHash(item.bytes), item.proof);
      if (root !== null && equal(root, point.root)) proved += 1;
      else add("proof.bad", false, { index: item.index }, [why("browser.proof_root")]);
    }
    if (point !== null && proved === bundle.entries.length) add("proofs.ok", true, { count: proved, size: point.size });

    const headers = parsed.filter((e) => e.kind === "ledger");
    let header = null;
    if (headers.length !== 1 || headers[0].index !== 0) add("header.missing", false);
    else {
      header = headers[0].body;
      const got = await fingerprint(headers[0].publicKey);
      let ok = true;
      if (got !== trustedFingerprint) {
        ok = false;
        add("header.key", false, { expected: trustedFingerprint, got });
      }
      if (point !== null && point.origin !== header.origin) {
        ok = false;
        add("header.origin", false, { expected: header.origin, got: point.origin });
      }
      if (ok) add("header.ok", true, { case: header.case, origin: header.origin, fingerprint: got });
    }

    const keys = new Map();
    for (const e of parsed) if (e.kind === "key") keys.set(e.id, e);
    const events = parsed.filter((e) => e.kind === "event");
    if (!events.length) add("events.none", false);

    const counts = { event: 0, authority: 0, "authority-change": 0, key: 0, ledger: 0 };
    let failed = false;
    for (const e of parsed) {
      const problem = await signatureProblem(e, keys);
      if (problem) {
        failed = true;
        add("signature.bad", false, { index: e.index, id: e.id }, [problem]);
      } else counts[e.kind] += 1;
    }
    if (!failed) {
      const transfers = events.filter((e) => e.body.counter_party !== null).length;
      add("signatures.ok", true, { events: counts.event, authorities: counts.authority + counts["authority-change"], keys: counts.key, transfers });
    }

    order(parsed, bundle.selection, keys, header, facts, rules, add);
    const linked = [];
    for (const b of bundle.linked) linked.push(await verifyOne(b, trusted, facts, false));
    const views = linked.map((r) => ({
      origin: r.origin,
      checkpoint: r.checkpoint,
      events: r.entries,
      ok: r.ok,
      failures: r.findings.filter((f) => f.ok === false),
    }));
    for (const f of ScelleLinks.findings(events, views)) findings.push(f);
    const ok = findings.some((f) => f.ok) && events.length > 0 && findings.every((f) => f.ok !== false);
    const checkpoint = read && { origin: read.origin, size: read.size, root: b64encode(read.root) };
    const origin = read ? read.origin : "(a ledger whose checkpoint is unreadable)";
    const contents = { events: events.map((e) => e.body), header, selection: bundle.selection, origin };
    return { ok, findings, contents, linked, origin, checkpoint, entries: events };
  }

  /** The trusted witnesses' cosignatures on the checkpoint (custody.bundle.verify._Verifier.add_cosignatures). */
  async function cosignatures(note, policy, add) {
    const found = await ScelleWitness.check(note.text, note.signatures, policy.witnesses);
    for (const vkey of found.invalid) add("checkpoint.cosignature_bad", false, { witness: vkey });
    const names = found.valid.map((vkey) => vkey.split("+")[0]).join(", ") || "-";
    const enough = found.valid.length >= policy.quorum;
    add(enough ? "checkpoint.witnessed" : "checkpoint.quorum", enough, { count: found.valid.length, witnesses: names, quorum: policy.quorum });
  }

  async function signatureProblem(entry, keys) {
    const signers = entry.signatures.map((s) => s.key);
    if (entry.expected !== null && signers.join(",") !== entry.expected.join(","))
      return why("browser.signers", { signers: signers.join(", ") || "-", expected: entry.expected.join(", ") });
    if (!signers.length) return why("browser.unsigned");
    for (const s of entry.signatures) {
      let publicKey;
      if (entry.kind === "ledger" || entry.kind === "key") publicKey = entry.publicKey;
      else if (keys.has(s.key)) publicKey = keys.get(s.key).publicKey;
      else return why("browser.signer_unknown", { key: s.key });
      if (!(await ed25519(publicKey, s.sig, entry.payload))) return why("browser.signature_bad", { key: s.key });
    }
    return null;
  }

  // The rules (custody.rules.chain and custody.rules.events), in ledger order

  function order(parsed, selection, keys, header, facts, rules, add) {
    const selected = new Set(selection);
    const keyIndex = new Map();
    const handlers = new Map();
    const authorities = new Map();
    const validity = new Map();
    const changed = new Map();
    const seen = new Set();
    const last = new Map();
    const known = new Map();
    const codes = new Set();
    const problem = (code, params, parts = []) => {
      codes.add(code);
      add(code, false, params, parts);
    };
    const needs = new Set(facts.needsAuthority || ["seized", "acquired", "transferred", "accessed", "analysed", "derived", "exported"]);
    let recorded = null;
    let needing = 0;
    for (const entry of parsed) {
      const body = entry.body;
      if (entry.kind === "key") {
        if (!keyIndex.has(entry.id)) keyIndex.set(entry.id, entry.index);
        if (!handlers.has(entry.id)) handlers.set(entry.id, handlerKey(body.handler));
      }
      for (const s of entry.signatures) {
        const at = keyIndex.get(s.key);
        if (keys.has(s.key) && (at === undefined || at > entry.index) && entry.kind !== "key")
          problem("order.key", { id: entry.id, signer: s.key });
      }
      if (entry.kind === "authority" && !authorities.has(entry.id)) {
        validity.set(entry.id, rules.checkAuthority(entry, authorities));
        authorities.set(entry.id, entry);
      }
      if (entry.kind === "authority-change") {
        const earlier = changed.get(body.authority) || [];
        const found = rules.checkChange(entry, authorities.get(body.authority), earlier, CLOCK_SKEW_US);
        if (found.length) problem("authority.change", { id: entry.id, change: body.change, authority: body.authority }, found);
        else changed.set(body.authority, earlier.concat([entry]));
      }
      if (entry.kind !== "event") continue;
      const id = body.id;
      if (header !== null && body.case !== header.case) problem("case.bad", { id, expected: header.case, got: body.case });
      for (const h of [body.handler, body.counter_party]) {
        if (h === null) continue;
        const registered = handlers.get(h.key_fingerprint);
        if (registered === undefined) problem("identity.unregistered", { id, name: h.name, key: h.key_fingerprint });
        else if (registered !== handlerKey(h)) problem("identity.bad", { id, name: h.name, registered: JSON.parse(registered).slice(0, 4).join(", ") });
      }
      if (entry.occurred > entry.recorded + CLOCK_SKEW_US)
        problem("order.recorded", { id, occurred: body.occurred_at, recorded: body.recorded_at, skew: 5 });
      if (recorded !== null && entry.recorded < recorded.recorded)
        problem("order.ledger", { id, recorded: body.recorded_at, previous: recorded.id, before: recorded.body.recorded_at });
      if (body.late_reason === undefined)
        for (const key of entry.keys) {
          const head = last.get(key);
          if (head !== undefined && entry.occurred < head.occurred)
            problem("order.artefact", { id, action: body.action, occurred: body.occurred_at, previous: head.id, before: head.body.occurred_at, artefact: key });
        }
      handovers(entry, last, problem);
      for (const source of body.derived_from || [])
        if (!last.has(source)) problem("chain.source", { id, source });
      body.artefacts.forEach((a, i) => {
        const have = known.get(entry.keys[i]) || {};
        if (Object.entries(a.digests).some(([alg, v]) => alg in have && have[alg] !== v))
          problem("digests.bad", { id, artefact: entry.keys[i] });
      });
      const cited = [];
      for (const ref of body.authorities) {
        if (authorities.has(ref)) cited.push(authorities.get(ref));
        else problem("authority.missing", { id, authority: ref });
      }
      if (needs.has(body.action)) {
        needing += 1;
        const counter = body.counter_party || body.recipient || null; // an offer abroad needs the handover's cover
        const abroadTo = counter !== null && counter.country !== body.handler.country ? counter.country : null;
        const use = { action: body.action, at: entry.occurred, categories: body.categories, abroadTo };
        const validOf = (a) => validity.get(a.id) || [];
        const reasons = rules.findCover(use, cited, validOf, (ref) => changed.get(ref) || []);
        if (reasons.length) problem("authority.cover", { id, action: body.action }, reasons);
      }
      recorded = entry;
      if (!entry.keys.some((k) => selected.has(k))) problem("selection.extra", { id });
      body.artefacts.forEach((a, i) => {
        const key = entry.keys[i];
        known.set(key, Object.assign(known.get(key) || {}, a.digests));
        if (!selected.has(key)) return;
        const previous = last.get(key);
        last.set(key, entry);
        if (previous !== undefined && !body.prev.includes(previous.id))
          problem("chain.prev", { id, previous: previous.id, artefact: key });
      });
      if (entry.keys.every((k) => selected.has(k)))
        for (const missing of body.prev) if (!seen.has(missing)) problem("chain.missing", { id, missing });
      seen.add(id);
    }
    for (const key of [...selected].sort()) if (!last.has(key)) problem("selection.missing", { artefact: key });
    const events = parsed.filter((e) => e.kind === "event").length;
    const orderCodes = ["order.key", "order.recorded", "order.ledger", "order.artefact", "chain.prev", "chain.missing", "chain.source", "selection.extra", "digests.bad"];
    if (events && ![...codes].some((c) => c.startsWith("authority."))) add("authority.ok", true, { count: needing });
    if (events && !orderCodes.some((c) => codes.has(c))) add("order.ok", true, { count: events });
  }

  /** While an item's latest event is an offer, only the transfer that completes it (or a new offer) may follow; a
      transfer recorded after it was signed was signed after the latest event on each item (custody.rules.events). */
  function handovers(entry, last, problem) {
    const body = entry.body;
    const same = (a, b) => a === b || (!!a && !!b && handlerKey(a) === handlerKey(b));
    for (const key of entry.keys) {
      const head = last.get(key);
      if (head === undefined) continue;
      if (body.signed_at !== undefined && time(body.signed_at, "event.signed_at") < head.recorded)
        problem("order.signed", { id: body.id, signed: body.signed_at, previous: head.id, before: head.body.recorded_at });
      if (head.body.action !== "offered" || body.action === "offered") continue;
      const completes = body.prev.includes(head.id) && body.action === "transferred" && same(body.handler, head.body.handler)
        && same(body.counter_party, head.body.recipient);
      if (!completes) problem("offer.pending", { id: body.id, artefact: key, offer: head.id, recipient: head.body.recipient ? head.body.recipient.name : "?" });
    }
  }

  return { verify, b64decode, b64encode, canonical, rootFromProof, parseNote, parseCheckpoint, keyId };
})();
