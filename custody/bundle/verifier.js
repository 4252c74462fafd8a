"use strict";
/* The bundle verifier in the browser, a second implementation of custody.bundle.verify with the same finding
   codes and parameters; what it does not check is a finding with ok === null, never a pass. SHA-256 and
   Ed25519 come from WebCrypto, limits and rules' facts from Python's data block. Loaded after rules.js. */
const ScelleVerifier = (() => {
  const { sameHandler } = ScelleRules;
  const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  const UTC_FORM = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{6}))?Z$/;
  const BAD_NAME = /[\x00-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000+]/;
  const isKey = (value) => typeof value === "string" && /^sha256:[0-9a-f]{64}$/.test(value);
  const utf8 = new TextEncoder();
  const why = (code, params = {}) => ({ code, params, parts: [] });
  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  const concat = (...parts) => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
  const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  const sha256 = async (...parts) => new Uint8Array(await crypto.subtle.digest("SHA-256", concat(...parts)));
  const fingerprint = async (publicKey) => "sha256:" + hex(await sha256(publicKey));
  const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
  const isText = (value) => typeof value === "string" && value !== "";
  const validName = (name) => isText(name) && !BAD_NAME.test(name);
  const b64encode = (bytes) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));

  /** Refuse unless ``ok``: an error with ``message`` and ``why``, a finding the page states in its words. */
  function need(ok, message, why = null) {
    if (!ok) throw Object.assign(new Error(message), { why });
  }

  /** Strict standard base64 (canonical encoding only) of ``length`` bytes when given; else null. */
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
    const valid = !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === text.slice(0, 19);
    need(valid, `${where}: not valid`);
    return ms * 1000 + (m[7] ? +m[7] : 0);
  }

  /** ``obj`` when it is an object with the ``required`` members and no others than the ``optional`` ones. */
  function members(obj, where, required, optional = []) {
    need(isObject(obj), `${where}: not an object`);
    for (const k of required) need(k in obj, `${where}: missing ${k}`);
    const unknown = Object.keys(obj).filter((k) => !required.includes(k) && !optional.includes(k));
    need(!unknown.length, `${where}: unknown ${unknown}`);
    return obj;
  }

  /** Whether ``value`` has a scalar form of Python's schema (custody.bundle.schema); a bad time throws. */
  const SCALARS = {
    text: isText,
    int: (value) => Number.isSafeInteger(value) && value >= 0,
    flag: (value) => typeof value === "boolean",
    time: (value, where) => Number.isInteger(time(value, where)),
    b64: (value) => b64decode(value) !== null,
    map: (value) => isObject(value) && Object.values(value).every((v) => typeof v === "string"),
  };

  /** ``value`` when it has the ``form`` of custody.bundle.schema (a record's name, a scalar, T[] or T?). */
  function check(value, form, where, records) {
    if (form.endsWith("?") && (value === undefined || value === null)) return value;
    const type = form.replace(/\?$/, "");
    if (type.endsWith("[]")) {
      need(Array.isArray(value), `${where}: expected a list`);
      value.forEach((item, i) => check(item, type.slice(0, -2), `${where}[${i}]`, records));
    } else if (Object.hasOwn(records, type)) {
      const names = Object.keys(records[type]);
      members(value, where, names.filter((k) => !records[type][k].endsWith("?")), names);
      for (const k of names) check(value[k], records[type][k], `${where}.${k}`, records);
    } else need(SCALARS[type](value, where), `${where}: expected ${type}`);
    return value;
  }

  /** The bundle file (custody.bundle.format): UTF-8 JSON in canonical form. */
  function readBundle(bytes, facts) {
    let text, obj;
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
      obj = JSON.parse(text);
    } catch (e) {
      throw new Error("not UTF-8 text holding one complete JSON document");
    }
    const bundle = readObject(obj, 0, facts);
    const stripped = text.replace(/("(?:[^"\\]|\\.)*")|[ \t\n\r]+/g, (_, s) => s || "");
    need(stripped === canonical(obj), "not in canonical form (RFC 8785)");
    return bundle;
  }

  /** One bundle object and, under ``linked``, the bundles of the ledgers its artefacts came from. */
  function readObject(obj, depth, facts) {
    const form = facts.bundle;
    need(isObject(obj) && obj.format === form.format, "not a scelle custody bundle");
    need(obj.version === form.version, `unknown bundle version ${obj.version}`);
    members(obj, "bundle", form.required, form.optional);
    const { checkpoint, selection, entries, timestamps, linked } = obj;
    const list = (value) => Array.isArray(value) && value.length > 0;
    need(isText(checkpoint), "bundle.checkpoint: expected text");
    const sorted = list(selection) && selection.every(isKey) ? [...new Set(selection)].sort() : [];
    need(sorted.length && canonical(sorted) === canonical(selection), "bundle.selection: not sorted digests");
    const replies = timestamps === undefined || (list(timestamps) && timestamps.every((t) => b64decode(t)));
    need(replies, "bundle.timestamps: expected base64 replies");
    need(linked === undefined || (list(linked) && depth < facts.limits.maxLinkDepth), "bundle.linked: deep");
    need(list(entries), "bundle.entries: expected a non-empty list");
    const read = entries.map((item, i) => {
      const { index, leaf, proof } = members(item, `bundle.entries[${i}]`, facts.bundle.entry);
      need(Number.isSafeInteger(index) && isObject(leaf) && Array.isArray(proof), `entries[${i}]: malformed`);
      const hashes = proof.map((h) => b64decode(h, 32));
      need(hashes.every((h) => h), `bundle.entries[${i}].proof: bad hash`);
      return { index, leaf, bytes: utf8.encode(canonical(leaf)), proof: hashes };
    });
    need(read.every((e, i) => i === 0 || e.index > read[i - 1].index), "bundle.entries: not in index order");
    const links = (linked || []).map((item) => readObject(item, depth + 1, facts));
    return { checkpoint, selection, entries: read, timestamps: timestamps || [], linked: links };
  }

  /** A signer's C2SP key ID: SHA-256(name, 0x0A, type (1: Ed25519, 4: cosignature), public key)[:4]. */
  const keyId = async (name, type, key) => (await sha256(utf8.encode(name + "\n"), [type], key)).slice(0, 4);

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

  /** Whether ``signature`` is the Ed25519 signature of ``message`` by ``publicKey`` (not if malformed). */
  async function ed25519(publicKey, signature, message) {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    const key = crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
    const verified = key.then((k) => crypto.subtle.verify({ name: "Ed25519" }, k, signature, message));
    return verified.catch(() => false);
  }

  /** RFC 9162 §2.1.3.2: the root an inclusion proof gives for a leaf's hash, or null when it cannot hold. */
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

  /** An entry (custody.model.entries): its body, signatures, signed bytes, expected signers and times. */
  async function parseLeaf(item, facts) {
    const { body, kind, signatures } = members(item.leaf, "leaf", facts.bundle.leaf);
    const { bodies, records } = facts.forms;
    if (!Object.hasOwn(bodies, kind) || !Array.isArray(signatures)) return { kind, unsupported: true };
    check(body, bodies[kind], kind, records);
    const sigs = check(signatures, "Signature[]", "signatures", records).map((s) => b64decode(s.sig, 64));
    need(sigs.every((sig) => sig), "malformed signature");
    // A transfer recorded after both handlers signed it: they signed it as it was then (custody.model).
    const { signed_at, ...rest } = body;
    const signed = kind === "event" && signed_at ? { ...rest, recorded_at: signed_at } : body;
    const payload = utf8.encode(`scelle-${kind}-v1\n` + canonical(signed));
    const keyed = sigs.map((sig, i) => ({ key: signatures[i].key, sig }));
    const entry = { index: item.index, kind, body, signatures: keyed, payload, id: body.id, expected: null };
    const at = (value, field) => time(value, `${kind}.${field}`);
    if (kind === "ledger" || kind === "key") {
      entry.publicKey = b64decode(body.public_key, 32);
      need(entry.publicKey, `${kind}: bad key`);
      need(kind === "key" || body.format === facts.ledgerFormat, "ledger: unknown format");
      entry.expected = [await fingerprint(entry.publicKey)];
      need(kind === "ledger" || entry.expected[0] === body.handler.key_fingerprint, "key: wrong fingerprint");
      entry.id = kind === "ledger" ? "ledger" : body.handler.key_fingerprint;
    } else if (kind === "authority") {
      need(Object.hasOwn(facts.instruments, body.instrument), `unknown instrument ${body.instrument}`);
      const times = ["issued", "valid_from", "valid_until"].map((f) => at(body[f], f));
      [entry.issued, entry.from, entry.until] = times;
      const v = body.validation;
      entry.validation = v ? { date: at(v.date, "validation.date"), type: v.authority_type } : null;
    } else if (kind === "authority-change") {
      need(facts.changes.includes(body.change), "change: unknown change");
      need((body.change === "extend") === !!body.valid_until, "change: an end, not an extension");
      [entry.at, entry.recorded] = [at(body.at, "at"), at(body.recorded_at, "recorded_at")];
      entry.until = body.valid_until ? at(body.valid_until, "valid_until") : null;
    } else readEvent(entry, body, at);
    return entry;
  }

  /** An event's times, artefacts, signers and the members only some actions have (custody.model). */
  function readEvent(entry, body, at) {
    const { action, recipient, handover, derived_from: sources } = body;
    entry.occurred = at(body.occurred_at, "occurred_at");
    entry.recorded = at(body.recorded_at, "recorded_at");
    // Lists Python reads as empty when absent or null (custody.model.fields).
    for (const list of ["authorities", "prev", "categories"]) body[list] = body[list] || [];
    need(body.artefacts.every((a) => Object.hasOwn(a.digests, "sha256")), "artefact: no sha256");
    entry.keys = body.artefacts.map((a) => "sha256:" + a.digests.sha256);
    entry.expected = [body.handler, body.counter_party].filter((h) => h).map((h) => h.key_fingerprint);
    need((action === "transferred") === !!body.counter_party, "event.counter_party: only for a transfer");
    need((action === "offered") === !!recipient, "event.recipient: only for an offer");
    need((action === "received") === !!handover, "event.handover: only for a receipt");
    need(!handover || (b64decode(handover.root, 32) && handover.size > 0), "handover: malformed");
    const derived = Array.isArray(sources) && sources.length && sources.every(isKey);
    need(!sources || (action === "derived" && derived), "event.derived_from: malformed");
    if (!body.signed_at) return;
    entry.signed = at(body.signed_at, "signed_at");
    need(action === "transferred" && entry.signed < entry.recorded, "event.signed_at: not a transfer's");
  }

  /** Verify the bundle's bytes against the trusted ledger keys ({name, publicKey}) and witnesses' keys. */
  async function verify(bundleBytes, trust, facts, options = {}) {
    let bundle;
    try {
      bundle = readBundle(bundleBytes, facts);
    } catch (e) {
      const finding = { code: "format.bad", ok: false, params: { detail: e.message } };
      return { ok: false, findings: [finding], contents: null };
    }
    const keys = Array.isArray(trust) ? trust : [trust];
    if (!keys.length) throw new Error("no trusted ledger key given");
    const witnesses = await Promise.all((options.witnesses || []).map(witnessKey));
    const quorum = options.quorum === undefined ? witnesses.length : options.quorum;
    return verifyOne(bundle, keys, facts, true, { witnesses, quorum });
  }

  /** A witness verifier key "name+<key ID hex>+base64(0x04 || Ed25519 key)" (custody.tlog.cosignature). */
  async function witnessKey(vkey) {
    const [, name, id, encoded] = /^([^+]*)\+([0-9a-f]{8})\+(.*)$/s.exec(String(vkey)) || [];
    const raw = b64decode(encoded);
    const publicKey = raw && raw.length === 33 && raw[0] === 4 ? raw.slice(1) : null;
    const keyIdBytes = publicKey && (await keyId(name, 4, publicKey));
    if (!keyIdBytes || hex(keyIdBytes) !== id) throw new Error(`malformed witness key ${vkey}`);
    return { vkey, name, publicKey, id: keyIdBytes };
  }

  /** The checks of one bundle in the Python verifier's order; a linked one (not ``top``) with its own key. */
  async function verifyOne(bundle, trusted, facts, top, policy = { witnesses: [], quorum: 0 }) {
    const findings = [];
    const add = (code, ok, params = {}, parts = []) => findings.push({ code, ok, params, parts });
    const first = bundle.entries[0].leaf;
    const header = first.kind === "ledger" && isObject(first.body) ? first.body : {};
    const headerKey = b64decode(header.public_key);
    const match = headerKey && trusted.find((key) => equal(key.publicKey, headerKey));
    const trust = match || trusted[0];
    if (!match && !(top && trusted.length === 1))
      add("trust.missing", false, { origin: headerKey ? header.origin : "(a ledger without a header)" });
    const name = trust.name || (typeof header.key_name === "string" ? header.key_name : "");
    const signer = { ...trust, name, fingerprint: await fingerprint(trust.publicKey) };
    const { read, point } = await checkpoint(bundle, signer, facts.limits, policy, add);
    if (bundle.timestamps.length) add("browser.timestamps", null, { count: bundle.timestamps.length });
    const parsed = await leaves(bundle, point, facts, add);
    const ledger = headerFindings(parsed, point, signer.fingerprint, add);
    const keys = new Map(parsed.filter((e) => e.kind === "key").map((e) => [e.id, e]));
    const events = parsed.filter((e) => e.kind === "event");
    if (!events.length) add("events.none", false);
    await signatureFindings(parsed, keys, add);
    ScelleRules.chain(parsed, bundle.selection, keys, ledger, facts, add);
    const linked = await Promise.all(bundle.linked.map((b) => verifyOne(b, trusted, facts, false)));
    links(events, linked, facts.limits.reasonsShown, add);
    const ok = findings.some((f) => f.ok) && events.length > 0 && findings.every((f) => f.ok !== false);
    const origin = read ? read.origin : "(a ledger whose checkpoint is unreadable)";
    const contents = { events: events.map((e) => e.body), header: ledger, selection: bundle.selection };
    const seen = read && { origin: read.origin, size: read.size, root: b64encode(read.root) };
    return { ok, findings, contents, linked, origin, checkpoint: seen, entries: events };
  }

  /** The checkpoint as read, and as proved (``point``: signed by the trusted key); witnesses' findings. */
  async function checkpoint(bundle, trust, limits, policy, add) {
    const name = trust.name;
    let read = null;
    try {
      const note = parseNote(bundle.checkpoint, limits);
      read = parseCheckpoint(note.text, limits);
      need(validName(name), `invalid key name ${JSON.stringify(name)}`);
      const id = await keyId(name, 1, trust.publicKey);
      const ours = note.signatures.filter((s) => s.name === name && equal(s.keyId, id));
      for (const s of ours) {
        const good = await ed25519(trust.publicKey, s.signature, utf8.encode(note.text));
        need(good, `invalid signature by trusted key ${name}`, why("detail.checkpoint_signature", { name }));
      }
      need(ours.length, "note not signed by the trusted key", why("detail.checkpoint_unsigned", { name }));
      add("checkpoint.ok", true, { key: trust.fingerprint, origin: read.origin, size: read.size });
      // Other signature lines (witnesses' cosignatures) are ignored, as scelle verify does without --witness.
      const others = note.signatures.filter((s) => s.name !== name).length;
      if (policy.witnesses.length) await cosignatures(note, policy.witnesses, policy.quorum, add);
      else if (others) add("browser.cosignatures", null, { count: others });
      return { read, point: read };
    } catch (e) {
      add("checkpoint.bad", false, { detail: e.message }, e.why ? [e.why] : []);
      return { read, point: null };
    }
  }

  /** The bundle's entries parsed, each proved included under the signed checkpoint (``point``) if any. */
  async function leaves(bundle, point, facts, add) {
    const parsed = [];
    let proved = 0;
    for (const item of bundle.entries) {
      const entry = await parseLeaf(item, facts).catch((e) => ({ error: e.message }));
      if (entry.error !== undefined) add("leaf.bad", false, { index: item.index, detail: entry.error });
      else if (entry.unsupported) add("browser.kind", false, { index: item.index, kind: String(entry.kind) });
      if (entry.error !== undefined || entry.unsupported) continue;
      parsed.push(entry);
      if (point === null) continue;
      const root = await rootFromProof(item.index, point.size, await sha256([0], item.bytes), item.proof);
      if (root !== null && equal(root, point.root)) proved += 1;
      else add("proof.bad", false, { index: item.index }, [why("detail.proof_root")]);
    }
    if (point !== null && proved === bundle.entries.length)
      add("proofs.ok", true, { count: proved, size: point.size });
    return parsed;
  }

  /** The ledger header (the first entry, the only one of its kind), naming the trusted key and the origin. */
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
      const params = { case: header.case, origin: header.origin, fingerprint: got };
      if (!badKey && !badOrigin) add("header.ok", true, params);
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
    if (good.length < parsed.length) return;
    const count = (...kinds) => good.filter((e) => kinds.includes(e.kind)).length;
    const transfers = good.filter((e) => e.kind === "event" && e.body.counter_party).length;
    const [events, authorities] = [count("event"), count("authority", "authority-change")];
    add("signatures.ok", true, { events, authorities, keys: count("key"), transfers });
  }

  /** Why an entry's signatures do not hold (a browser finding), or null. */
  async function signatureProblem(entry, keys) {
    const signers = entry.signatures.map((s) => s.key).join(", ");
    const expected = entry.expected === null ? signers : entry.expected.join(", ");
    if (signers !== expected) return why("detail.signers", { signers: signers || "-", expected });
    if (!signers) return why("detail.unsigned");
    for (const s of entry.signatures) {
      const own = entry.kind === "ledger" || entry.kind === "key";
      if (!own && !keys.has(s.key)) return why("detail.signer_unknown", { key: s.key });
      const publicKey = own ? entry.publicKey : keys.get(s.key).publicKey;
      const good = await ed25519(publicKey, s.sig, entry.payload);
      if (!good) return why("detail.signature_bad", { key: s.key });
    }
    return null;
  }

  /** The witnesses' C2SP tlog-cosignature/v1 lines (key ID, time, signature), as verify --witness does. */
  async function cosignatures(note, witnesses, quorum, add) {
    const valid = new Set();
    for (const line of note.signatures) {
      const witness = witnesses.find((w) => w.name === line.name && equal(w.id, line.keyId));
      if (!witness) continue;
      const blob = line.signature;
      const t = blob.length === 72 ? new DataView(blob.buffer, blob.byteOffset, 8).getBigUint64(0) : 0n;
      const message = utf8.encode(`cosignature/v1\ntime ${t}\n${note.text}`);
      const good = t > 0n && t < 2n ** 63n && (await ed25519(witness.publicKey, blob.slice(8), message));
      if (good) valid.add(witness.vkey);
      else add("checkpoint.cosignature_bad", false, { witness: witness.vkey });
    }
    const [enough, count] = [valid.size >= quorum, valid.size];
    const names = [...valid].map((vkey) => vkey.split("+")[0]).join(", ") || "-";
    add(enough ? "checkpoint.witnessed" : "checkpoint.quorum", enough, { count, witnesses: names, quorum });
  }

  /** Each received event tied to the linked bundle it came from, then each linked bundle's own verdict. */
  function links(events, linked, reasonsShown, add) {
    const used = new Set();
    for (const received of events.filter((e) => e.body.handover)) {
      const { id, body } = received;
      const { origin, size, root, offer } = body.handover;
      const names = ({ checkpoint: c }) => c && c.origin === origin && c.size === size && c.root === root;
      const at = linked.findIndex(names);
      if (at < 0) {
        add("handover.missing", false, { id, origin, size });
        continue;
      }
      used.add(at);
      const problem = handoverProblem(received, linked[at].entries.find((e) => e.id === offer));
      if (problem) add("handover.bad", false, { id, origin, detail: [problem] });
      else add("handover.ok", true, { id, origin, offer, at: body.occurred_at.replace(/\.\d{6}Z$/, "Z") });
    }
    linked.forEach((r, i) => {
      if (r.ok) add("link.ok", true, { origin: r.origin, events: r.entries.length });
      const failures = r.findings.filter((f) => f.ok === false);
      if (!r.ok) add("link.bad", false, { origin: r.origin, detail: failures.slice(0, reasonsShown) });
      if (!used.has(i)) add("link.unused", false, { origin: r.origin });
    });
  }

  /** Why a received event does not match the offer it names in the linked bundle (a browser finding). */
  function handoverProblem(received, offered) {
    if (!offered || offered.body.action !== "offered") return why("browser.handover_absent");
    const to = offered.body.recipient;
    const got = received.body.handler.name;
    const name = to ? to.name : "-";
    if (!sameHandler(to, received.body.handler)) return why("browser.handover_recipient", { name, got });
    const digests = (a) => JSON.stringify(Object.entries(a.digests).sort());
    const offeredDigests = new Map(offered.body.artefacts.map((a) => [a.digests.sha256, digests(a)]));
    if (received.body.artefacts.some((a) => offeredDigests.get(a.digests.sha256) !== digests(a)))
      return why("browser.handover_artefacts");
    return received.occurred < offered.occurred ? why("browser.handover_early") : null;
  }

  return { verify, b64decode, parseLeaf };
})();
