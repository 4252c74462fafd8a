"use strict";
/* The scelle bundle verifier for the browser: a second, independent implementation of custody.bundle.verify.

   It reads the exact bytes of a bundle, the trusted ledger keys (one per ledger of a linked history) and the
   witnesses' keys, and returns one finding per check, with the codes and parameters of the Python verifier
   (custody.i18n.FINDINGS), so the page states them in the report's language. Plain JavaScript, no library, no
   network: SHA-256 and Ed25519 come from WebCrypto. What it does not check is a finding with ok === null ("not
   checked by this browser"), never a pass. Limits and rules' facts come from Python (custody.bundle.selfcheck.facts).
   The differential tests (tests/custody/bundle/test_selfcheck_*.py) hold it to the Python verifier. Loaded after
   rules.js (ScelleRules). */
const ScelleVerifier = (() => {
  const KINDS = ["ledger", "key", "authority", "authority-change", "event"];
  const { HANDLER, sameHandler } = ScelleRules;
  const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
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

  /** Refuse, with ``message`` (and ``why``), unless ``ok``. */
  function need(ok, message, why = null) {
    if (!ok) throw new Refused(message, why);
  }

  const why = (code, params = {}) => ({ code, params, parts: [] });
  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  const concat = (...parts) => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
  const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  const sha256 = async (...parts) => new Uint8Array(await crypto.subtle.digest("SHA-256", concat(...parts)));
  const fingerprint = async (publicKey) => "sha256:" + hex(await sha256(publicKey));
  const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
  const validName = (name) => typeof name === "string" && name !== "" && !BAD_NAME.test(name);
  const b64encode = (bytes) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));

  /** Strict standard base64 (right alphabet and padding, canonical encoding only) of ``length`` bytes when given (a
      key, a hash, a signature); else null. */
  function b64decode(value, length = null) {
    if (typeof value !== "string" || !B64.test(value)) return null;
    const bytes = Uint8Array.from(atob(value), (c) => c.charCodeAt(0));
    return b64encode(bytes) === value && (length === null || bytes.length === length) ? bytes : null;
  }

  /** RFC 8785 text of a JSON value made of objects, arrays, strings, integers, booleans and null. */
  function canonical(value) {
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    if (isObject(value)) {
      const keys = Object.keys(value).sort();
      return "{" + keys.map((k) => JSON.stringify(k) + ":" + canonical(value[k])).join(",") + "}";
    }
    need(typeof value !== "number" || Number.isSafeInteger(value), "a number is not an integer");
    return JSON.stringify(value);
  }

  /** A UTC time "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" as integer microseconds since 1970. */
  function time(text, where) {
    const m = typeof text === "string" ? UTC_FORM.exec(text) : null;
    need(m && !text.endsWith(".000000Z"), `${where}: not a UTC time`);
    const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
    need(!Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === text.slice(0, 19), `${where}: not valid`);
    return ms * 1000 + (m[7] ? +m[7] : 0);
  }

  /** ``obj`` when it is an object with the ``required`` members and no others than the ``optional`` ones. */
  function members(obj, where, required, optional = []) {
    need(isObject(obj), `${where}: not an object`);
    for (const k of required) need(k in obj, `${where}: missing ${k}`);
    for (const k of Object.keys(obj)) need(required.includes(k) || optional.includes(k), `${where}: unknown ${k}`);
    return obj;
  }

  /** The bundle file (custody.bundle.format): UTF-8 JSON in canonical form. */
  function readBundle(bytes, limits) {
    let text, obj;
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
      obj = JSON.parse(text);
    } catch (e) {
      throw new Refused("not UTF-8 text holding one complete JSON document");
    }
    const bundle = readObject(obj, 0, limits);
    const stripped = text.replace(/("(?:[^"\\]|\\.)*")|[ \t\n\r]+/g, (_, s) => s || "");
    need(stripped === canonical(obj), "not in canonical form (RFC 8785)");
    return bundle;
  }

  /** One bundle object and, under ``linked``, the bundles of the ledgers its artefacts came from. */
  function readObject(obj, depth, limits) {
    need(isObject(obj) && obj.format === "scelle-custody-bundle", "not a scelle custody bundle");
    need(obj.version === 1, `unknown bundle version ${obj.version}`);
    members(obj, "bundle", ["checkpoint", "entries", "format", "selection", "version"], ["timestamps", "linked"]);
    const { checkpoint, selection, entries, timestamps, linked } = obj;
    const list = (value) => Array.isArray(value) && value.length > 0;
    need(typeof checkpoint === "string" && checkpoint, "bundle.checkpoint: expected text");
    const sorted = Array.isArray(selection) ? [...new Set(selection)].sort() : null;
    need(
      list(sorted) && selection.every((s) => /^sha256:[0-9a-f]{64}$/.test(s)) && canonical(sorted) === canonical(selection),
      "bundle.selection: expected sorted sha256:<hex> digests",
    );
    const replies = timestamps === undefined || (list(timestamps) && timestamps.every((t) => b64decode(t)));
    need(replies, "bundle.timestamps: expected base64 replies");
    need(linked === undefined || (list(linked) && depth < limits.maxLinkDepth), "bundle.linked: empty, or too deep");
    need(list(entries), "bundle.entries: expected a non-empty list");
    const read = entries.map((item, i) => {
      const { index, leaf, proof } = members(item, `bundle.entries[${i}]`, ["index", "leaf", "proof"]);
      need(Number.isSafeInteger(index) && isObject(leaf) && Array.isArray(proof), `bundle.entries[${i}]: malformed`);
      const hashes = proof.map((h) => b64decode(h, 32));
      need(hashes.every((h) => h), `bundle.entries[${i}].proof: bad hash`);
      return { index, leaf, bytes: utf8.encode(canonical(leaf)), proof: hashes };
    });
    need(read.every((e, i) => i === 0 || e.index > read[i - 1].index), "bundle.entries: indexes not increasing");
    const links = (linked || []).map((item) => readObject(item, depth + 1, limits));
    return { checkpoint, selection, entries: read, timestamps: timestamps || [], linked: links };
  }

  /** A signer's key ID (C2SP signed-note): SHA-256(name || 0x0A || type || public key)[:4], with type 0x01 for a
      ledger's Ed25519 key and 0x04 for a witness's cosignature key (C2SP tlog-cosignature). */
  const keyId = async (name, type, publicKey) => (await sha256(utf8.encode(name + "\n"), [type], publicKey)).slice(0, 4);

  /** A C2SP signed note: its text and its signature lines "— <name> base64(key ID || signature)". */
  function parseNote(note, limits) {
    need(!/[\x00-\x09\x0b-\x1f]/.test(note), "note contains a control character");
    const split = note.lastIndexOf("\n\n");
    need(split >= 0, "note has no blank line before its signatures");
    const block = note.slice(split + 2);
    need(block.endsWith("\n"), "note has no signature lines");
    const lines = block.slice(0, -1).split("\n");
    need(lines.length <= limits.maxSignatures, "note has too many signatures");
    const signatures = lines.map((line) => {
      const match = /^\u2014 ([^ ]*)(?: (.*))?$/.exec(line);
      need(match, "signature line does not start with an em dash");
      const [, name, encoded = ""] = match;
      const raw = b64decode(encoded);
      need(validName(name), `invalid key name ${JSON.stringify(name)}`);
      need(raw && raw.length >= 5, `signature of ${name} is malformed`);
      return { name, keyId: raw.slice(0, 4), signature: raw.slice(4) };
    });
    return { text: note.slice(0, split + 1), signatures };
  }

  /** The checkpoint a note's text states (C2SP tlog-checkpoint): origin, tree size and root hash lines. */
  function parseCheckpoint(text, limits) {
    need(text.endsWith("\n"), "checkpoint text must end with a newline");
    const [origin, size, root, ...extensions] = text.slice(0, -1).split("\n");
    need(/^(0|[1-9][0-9]*)$/.test(size) && Number(size) <= limits.maxTreeSize, "bad checkpoint size");
    const rootBytes = b64decode(root, 32);
    need(origin && rootBytes && extensions.every((line) => line), "malformed checkpoint");
    return { origin, size: Number(size), root: rootBytes };
  }

  /** Whether ``signature`` is the Ed25519 signature of ``message`` by ``publicKey`` (false when malformed). */
  async function ed25519(publicKey, signature, message) {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    try {
      const key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
      return await crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
    } catch (e) {
      return false;
    }
  }

  /** RFC 9162 §2.1.3.2: the root an inclusion proof gives for a leaf's hash, or null when the proof cannot hold. */
  async function rootFromProof(index, size, hash, proof) {
    if (index < 0 || index >= size) return null;
    let [fn, sn, r] = [index, size - 1, hash];
    for (const p of proof) {
      if (sn === 0) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = await sha256([1], p, r);
        while (fn % 2 === 0 && fn !== 0) [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
      } else r = await sha256([1], r, p);
      [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
    }
    return sn === 0 ? r : null;
  }

  /** An entry (custody.model.entries): kind, body, signatures, the bytes they cover, the keys expected to sign it
      (null: any registered key) and its times in microseconds; a refusal when it is malformed. */
  async function parseLeaf(item, facts) {
    const { body, kind, signatures } = members(item.leaf, "leaf", ["body", "kind", "signatures"]);
    if (!KINDS.includes(kind) || !Array.isArray(signatures)) return { kind, unsupported: true };
    need(isObject(body), `${kind}: not an object`);
    const sigs = signatures.map((s) => {
      const sig = b64decode(members(s, "signature", ["key", "sig"]).sig, 64);
      need(typeof s.key === "string" && sig, "malformed signature");
      return { key: s.key, sig };
    });
    const text = new TextDecoder().decode(item.bytes);
    let signed = text.slice(8, text.lastIndexOf(',"kind":"'));
    if (kind === "event" && body.signed_at !== undefined) {
      // A transfer recorded after both handlers signed it: they signed it as it was then (custody.model.handover).
      const { signed_at, ...rest } = body;
      signed = canonical({ ...rest, recorded_at: signed_at });
    }
    const payload = utf8.encode(`scelle-${kind}-v1\n` + signed);
    const entry = { index: item.index, kind, body, signatures: sigs, payload, id: body.id, expected: null };
    const at = (value, field) => time(value, `${kind}.${field}`);
    if (kind === "ledger" || kind === "key") {
      entry.publicKey = b64decode(body.public_key, 32);
      if (kind === "ledger") need(entry.publicKey && typeof body.origin === "string", "bad ledger header");
      else need(handler(body.handler, "key.handler") && entry.publicKey, "key: bad public key");
      entry.expected = [await fingerprint(entry.publicKey)];
      need(kind === "ledger" || entry.expected[0] === body.handler.key_fingerprint, "key: not the key's fingerprint");
      entry.id = kind === "ledger" ? "ledger" : body.handler.key_fingerprint;
    } else if (kind === "authority") {
      need(Object.hasOwn(facts.instruments, body.instrument), `authority: unknown instrument ${body.instrument}`);
      [entry.issued, entry.from, entry.until] = ["issued", "valid_from", "valid_until"].map((f) => at(body[f], f));
      const v = body.validation;
      entry.validation = v ? { date: at(v.date, "validation.date"), type: v.authority_type } : null;
    } else if (kind === "authority-change") {
      need(["extend", "validate", "revoke"].includes(body.change), "change: unknown change");
      need((body.change === "extend") === (body.valid_until !== null), "change: a new end without an extension");
      [entry.at, entry.recorded] = [at(body.at, "at"), at(body.recorded_at, "recorded_at")];
      entry.until = body.valid_until === null ? null : at(body.valid_until, "valid_until");
    } else readEvent(entry, body, at);
    return entry;
  }

  /** ``h`` when it is a handler (name, role, organisation, country, key fingerprint: text each). */
  function handler(h, where) {
    members(h, where, HANDLER);
    need(Object.values(h).every((v) => typeof v === "string"), `${where}: expected text`);
    return h;
  }

  /** An event's handlers, times, lists and artefacts; an offered event names its recipient, a received event its
      handover link, and only a transfer recorded after it was signed has a signed_at (custody.model.handover). */
  function readEvent(entry, body, at) {
    handler(body.handler, "event.handler");
    if (body.counter_party !== null) handler(body.counter_party, "event.counter_party");
    [entry.occurred, entry.recorded] = [at(body.occurred_at, "occurred_at"), at(body.recorded_at, "recorded_at")];
    for (const list of ["artefacts", "authorities", "prev", "categories"])
      need(Array.isArray(body[list]), `event.${list}: expected a list`);
    need(body.artefacts.every((a) => a.digests && typeof a.digests.sha256 === "string"), "artefact without SHA-256");
    entry.keys = body.artefacts.map((a) => "sha256:" + a.digests.sha256);
    entry.expected = [body.handler, body.counter_party].filter((h) => h).map((h) => h.key_fingerprint);
    need((body.action === "offered") === (body.recipient !== undefined), "event.recipient: only for an offer");
    need((body.action === "received") === (body.handover !== undefined), "event.handover: only for a receipt");
    if (body.recipient !== undefined) handler(body.recipient, "event.recipient");
    if (body.handover !== undefined) {
      const { offer, origin, root, size } = members(body.handover, "event.handover", ["offer", "origin", "root", "size"]);
      const text = (value) => typeof value === "string" && value !== "";
      need(text(offer) && text(origin) && b64decode(root, 32) && Number.isSafeInteger(size) && size > 0, "bad handover");
    }
    const sources = body.derived_from;
    const key = (s) => typeof s === "string" && /^sha256:[0-9a-f]{64}$/.test(s);
    need(sources === undefined || (body.action === "derived" && Array.isArray(sources) && sources.length
      && sources.every(key)), "event.derived_from: a non-empty list of sha256 keys, of a derived event only");
    if (body.signed_at === undefined) return;
    entry.signed = at(body.signed_at, "signed_at");
    need(body.action === "transferred" && entry.signed < entry.recorded, "event.signed_at: only a transfer, signed before");
  }

  /** Verify the bundle's bytes against the trusted ledger key, or a list of them (``{name, publicKey}`` each), and,
      with ``options.witnesses`` (verifier keys), their cosignatures up to ``options.quorum``; the result has ``ok``,
      the ``findings`` and what the bundle holds. */
  async function verify(bundleBytes, trust, facts, options = {}) {
    let bundle;
    try {
      bundle = readBundle(bundleBytes, facts.limits);
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      return { ok: false, findings: [{ code: "format.bad", ok: false, params: { detail: e.message } }], contents: null };
    }
    const keys = Array.isArray(trust) ? trust : [trust];
    if (!keys.length) throw new Error("no trusted ledger key given");
    const witnesses = [];
    for (const vkey of options.witnesses || []) witnesses.push(await witnessKey(vkey));
    const quorum = options.quorum === undefined ? witnesses.length : options.quorum;
    return verifyOne(bundle, keys, facts, true, { witnesses, quorum });
  }

  /** A witness verifier key "name+<key ID hex>+base64(0x04 || Ed25519 key)" (custody.tlog.cosignature). */
  async function witnessKey(vkey) {
    const [, name, id, encoded] = (typeof vkey === "string" && /^([^+]*)\+([0-9a-f]{8})\+(.*)$/s.exec(vkey)) || [];
    const raw = b64decode(encoded);
    const publicKey = raw && raw.length === 33 && raw[0] === 4 ? raw.slice(1) : null;
    const keyIdBytes = publicKey && (await keyId(name, 4, publicKey));
    if (!keyIdBytes || hex(keyIdBytes) !== id) throw new Error(`malformed witness key ${vkey}`);
    return { vkey, name, publicKey, id: keyIdBytes };
  }

  /** The checks of one bundle (custody.bundle.verify._Verifier), in the Python verifier's order, none skipped;
      ``top`` is false for a linked bundle, which is checked with its own ledger's key. */
  async function verifyOne(bundle, trusted, facts, top, policy = { witnesses: [], quorum: 0 }) {
    const findings = [];
    const add = (code, ok, params = {}, parts = []) => findings.push({ code, ok, params, parts });
    const first = bundle.entries[0].leaf;
    const isHeader = first.kind === "ledger" && isObject(first.body);
    const headerKey = isHeader ? b64decode(first.body.public_key) : null;
    const match = headerKey && trusted.find((key) => equal(key.publicKey, headerKey));
    const trust = match || trusted[0];
    if (!match && !(top && trusted.length === 1))
      add("trust.missing", false, { origin: headerKey ? first.body.origin : "(a ledger without a header entry)" });
    const trustedFingerprint = await fingerprint(trust.publicKey);
    const name = trust.name || (isHeader && typeof first.body.key_name === "string" ? first.body.key_name : "");
    const { read, point } = await checkpoint(bundle, trust, name, trustedFingerprint, facts.limits, policy, add);
    if (bundle.timestamps.length) add("browser.timestamps", null, { count: bundle.timestamps.length });
    const parsed = await leaves(bundle, point, facts, add);
    const header = headerFindings(parsed, point, trustedFingerprint, add);
    const keys = new Map(parsed.filter((e) => e.kind === "key").map((e) => [e.id, e]));
    const events = parsed.filter((e) => e.kind === "event");
    if (!events.length) add("events.none", false);
    await signatureFindings(parsed, keys, add);
    ScelleRules.chain(parsed, bundle.selection, keys, header, facts, add);
    const linked = [];
    for (const b of bundle.linked) linked.push(await verifyOne(b, trusted, facts, false));
    links(events, linked, facts.limits.reasonsShown, add);
    const ok = findings.some((f) => f.ok) && events.length > 0 && findings.every((f) => f.ok !== false);
    const origin = read ? read.origin : "(a ledger whose checkpoint is unreadable)";
    const contents = { events: events.map((e) => e.body), header, selection: bundle.selection, origin };
    const seen = read && { origin: read.origin, size: read.size, root: b64encode(read.root) };
    return { ok, findings, contents, linked, origin, checkpoint: seen, entries: events };
  }

  /** The checkpoint as read, and as proved (``point``: signed by the trusted key), with its findings and, with
      ``policy.witnesses``, those of the witnesses' cosignatures. */
  async function checkpoint(bundle, trust, name, trustedFingerprint, limits, policy, add) {
    let read = null;
    try {
      const note = parseNote(bundle.checkpoint, limits);
      read = parseCheckpoint(note.text, limits);
      need(validName(name), `invalid key name ${JSON.stringify(name)}`);
      const id = await keyId(name, 1, trust.publicKey);
      const ours = note.signatures.filter((s) => s.name === name && equal(s.keyId, id));
      for (const s of ours) {
        const good = await ed25519(trust.publicKey, s.signature, utf8.encode(note.text));
        need(good, `invalid signature by trusted key ${name}`, why("browser.checkpoint_signature", { name }));
      }
      need(ours.length, "note is not signed by any trusted key", why("browser.checkpoint_unsigned", { name }));
      add("checkpoint.ok", true, { key: trustedFingerprint, origin: read.origin, size: read.size });
      // Other signature lines (witnesses' cosignatures) are ignored, as scelle verify does without --witness.
      const others = note.signatures.filter((s) => s.name !== name).length;
      if (policy.witnesses.length) cosignatures(await witnessed(note, policy.witnesses), policy.quorum, add);
      else if (others) add("browser.cosignatures", null, { count: others });
      return { read, point: read };
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      add("checkpoint.bad", false, { detail: e.message }, e.why ? [e.why] : []);
      return { read, point: null };
    }
  }

  /** The bundle's entries parsed, each leaf proved included under the signed checkpoint (``point``) when there is one. */
  async function leaves(bundle, point, facts, add) {
    const parsed = [];
    let proved = 0;
    for (const item of bundle.entries) {
      let entry;
      try {
        entry = await parseLeaf(item, facts);
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
      const root = await rootFromProof(item.index, point.size, await sha256([0], item.bytes), item.proof);
      if (root !== null && equal(root, point.root)) proved += 1;
      else add("proof.bad", false, { index: item.index }, [why("browser.proof_root")]);
    }
    if (point !== null && proved === bundle.entries.length) add("proofs.ok", true, { count: proved, size: point.size });
    return parsed;
  }

  /** The ledger header (the first entry, and the only one of its kind) and whether it names the trusted key and the
      checkpoint's origin. */
  function headerFindings(parsed, point, trustedFingerprint, add) {
    const headers = parsed.filter((e) => e.kind === "ledger");
    const header = headers.length === 1 && headers[0].index === 0 ? headers[0].body : null;
    if (header === null) add("header.missing", false);
    else {
      const got = headers[0].expected[0];
      const badKey = got !== trustedFingerprint;
      const badOrigin = point !== null && point.origin !== header.origin;
      if (badKey) add("header.key", false, { expected: trustedFingerprint, got });
      if (badOrigin) add("header.origin", false, { expected: header.origin, got: point.origin });
      if (!badKey && !badOrigin) add("header.ok", true, { case: header.case, origin: header.origin, fingerprint: got });
    }
    return header;
  }

  /** Every entry's signatures, by the keys expected to sign it (custody.model.entries). */
  async function signatureFindings(parsed, keys, add) {
    const good = [];
    for (const e of parsed) {
      const problem = await signatureProblem(e, keys);
      if (problem) add("signature.bad", false, { index: e.index, id: e.id }, [problem]);
      else good.push(e);
    }
    if (good.length === parsed.length) {
      const count = (...kinds) => good.filter((e) => kinds.includes(e.kind)).length;
      const transfers = good.filter((e) => e.kind === "event" && e.body.counter_party !== null).length;
      const [events, authorities] = [count("event"), count("authority", "authority-change")];
      add("signatures.ok", true, { events, authorities, keys: count("key"), transfers });
    }
  }

  /** The witnesses whose cosignature lines on the note verify, and those whose lines do not (C2SP
      tlog-cosignature/v1: key ID (4) || time (8, big-endian seconds) || Ed25519 signature of
      "cosignature/v1\ntime <t>\n" and the checkpoint text); lines of other keys are ignored. */
  async function witnessed(note, witnesses) {
    const valid = new Set();
    const invalid = [];
    for (const line of note.signatures) {
      const witness = witnesses.find((w) => w.name === line.name && equal(w.id, line.keyId));
      if (!witness) continue;
      const blob = line.signature;
      const t = blob.length === 72 ? new DataView(blob.buffer, blob.byteOffset, 8).getBigUint64(0) : 0n;
      const message = utf8.encode(`cosignature/v1\ntime ${t}\n${note.text}`);
      if (t > 0n && t < 2n ** 63n && (await ed25519(witness.publicKey, blob.slice(8), message))) valid.add(witness.vkey);
      else invalid.push(witness.vkey);
    }
    return { valid: [...valid], invalid };
  }

  /** The cosignature findings (custody.bundle.verify._Verifier.add_cosignatures). */
  function cosignatures({ valid, invalid }, quorum, add) {
    for (const vkey of invalid) add("checkpoint.cosignature_bad", false, { witness: vkey });
    const witnesses = valid.map((vkey) => vkey.split("+")[0]).join(", ") || "-";
    const enough = valid.length >= quorum;
    add(enough ? "checkpoint.witnessed" : "checkpoint.quorum", enough, { count: valid.length, witnesses, quorum });
  }

  /** Why an entry's signatures do not hold (a browser finding), or null. */
  async function signatureProblem(entry, keys) {
    const signers = entry.signatures.map((s) => s.key);
    if (entry.expected !== null && signers.join(",") !== entry.expected.join(","))
      return why("browser.signers", { signers: signers.join(", ") || "-", expected: entry.expected.join(", ") });
    if (!signers.length) return why("browser.unsigned");
    for (const s of entry.signatures) {
      const own = entry.kind === "ledger" || entry.kind === "key";
      if (!own && !keys.has(s.key)) return why("browser.signer_unknown", { key: s.key });
      const publicKey = own ? entry.publicKey : keys.get(s.key).publicKey;
      if (!(await ed25519(publicKey, s.sig, entry.payload))) return why("browser.signature_bad", { key: s.key });
    }
    return null;
  }

  /** The findings that tie each received event to the linked bundle of the ledger it came from, then one (or two)
      per linked bundle (custody.bundle.linked). */
  function links(events, linked, reasonsShown, add) {
    const used = new Set();
    for (const received of events) {
      const link = received.body.handover;
      if (link === undefined) continue;
      const params = { id: received.id, origin: link.origin };
      const at = linked.findIndex(
        ({ checkpoint: c }) => c && c.origin === link.origin && c.size === link.size && c.root === link.root,
      );
      if (at < 0) {
        add("handover.missing", false, { ...params, size: link.size });
        continue;
      }
      used.add(at);
      const problem = handoverProblem(received, linked[at].entries.find((e) => e.id === link.offer));
      if (problem) add("handover.bad", false, { ...params, detail: [problem] });
      else add("handover.ok", true, { ...params, offer: link.offer, at: received.body.occurred_at.replace(/\.\d{6}Z$/, "Z") });
    }
    linked.forEach((r, i) => {
      if (r.ok) add("link.ok", true, { origin: r.origin, events: r.entries.length });
      const failures = r.findings.filter((f) => f.ok === false);
      if (!r.ok) add("link.bad", false, { origin: r.origin, detail: failures.slice(0, reasonsShown) });
      if (!used.has(i)) add("link.unused", false, { origin: r.origin });
    });
  }

  /** Why a received event does not match the offer it names in the linked bundle (a browser finding), or null. */
  function handoverProblem(received, offered) {
    if (!offered || offered.body.action !== "offered") return why("browser.handover_absent");
    const to = offered.body.recipient;
    if (!sameHandler(to, received.body.handler))
      return why("browser.handover_recipient", { name: to ? to.name : "-", got: received.body.handler.name });
    const digests = (a) => JSON.stringify(Object.entries(a.digests).sort());
    const offeredDigests = new Map(offered.body.artefacts.map((a) => [a.digests.sha256, digests(a)]));
    if (received.body.artefacts.some((a) => offeredDigests.get(a.digests.sha256) !== digests(a)))
      return why("browser.handover_artefacts");
    return received.occurred < offered.occurred ? why("browser.handover_early") : null;
  }

  return { verify, b64decode };
})();
