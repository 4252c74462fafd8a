"use strict";
/* The report page's own check: runs ScelleVerifier (verifier.js, inlined before this file) on the bundle bytes
   embedded in the page, against the ledger key whose fingerprint the page prints, and writes the verdict it computed
   in the report's language. Words come from the page's data block (custody.i18n.browser), never from the network. */
(() => {
  const data = JSON.parse(document.getElementById("scelle-data").textContent);
  const words = data.words;
  const $ = (id) => document.getElementById(id);
  const TABLES = { action: "action", instrument: "instrument", base: "instrument", field: "field", change: "change" };
  const LISTS = { categories: ["categories", ", "], type: ["type", words.or], who: ["type", words.or] };
  const vocab = (table, value) => (table === "action" ? words.actions : words.vocabularies[table])[value] || value;

  /** A template filled as custody.i18n.finding fills it: vocabulary values translated, days with the decimal comma. */
  function value(k, v) {
    if (k in TABLES) return vocab(TABLES[k], v);
    if (k in LISTS) return String(v).split(",").map((x) => vocab(LISTS[k][0], x)).join(LISTS[k][1]);
    return k === "days" ? String(v).replace(".", words.decimal) : String(v);
  }
  const fill = (template, params) => template.replace(/\{(\w+)\}/g, (m, k) => (k in params ? value(k, params[k]) : m));

  /** A finding in the report's language; a detail that is itself a list of findings (the reasons a linked history
      or a handover failed) is stated the same way, never as English text. */
  function sentence(f) {
    const template = words.findings[f.code];
    const params = Object.assign({}, f.params);
    if (Array.isArray(params.detail)) params.detail = params.detail.map(sentence).join(" ; ");
    if (f.parts && f.parts.length) params.detail = f.parts.map(sentence).join(f.parts.some((p) => p.parts && p.parts.length) ? " | " : "; ");
    if (template === undefined) return f.code + ": " + JSON.stringify(params);
    return fill(template, params);
  }

  const everyFinding = (result) => result.findings.concat(...(result.linked || []).map(everyFinding));

  function item(f) {
    const li = document.createElement("li");
    const mark = document.createElement("span");
    const state = f.ok === true ? "ok" : f.ok === false ? "fail" : "unchecked";
    mark.className = "mark " + (f.ok === true ? "ok" : f.ok === false ? "bad" : "na");
    mark.textContent = words.marks[state];
    const text = document.createElement("span");
    text.textContent = sentence(f);
    li.dataset.code = f.code;
    li.dataset.state = state;
    li.append(mark, text);
    return li;
  }

  /** One line per check of a bundle, and under each linked history's line, the checks of that history. */
  function lines(list, result) {
    for (const f of result.findings) {
      list.append(item(f));
      const linked = f.code.startsWith("link.") && f.code !== "link.unused" && result.linked.find((r) => r.origin === f.params.origin);
      if (!linked) continue;
      const sub = document.createElement("ul");
      sub.className = "checks linked";
      lines(sub, linked);
      list.lastChild.after(Object.assign(document.createElement("li"), { className: "sub" }));
      list.lastChild.append(sub);
    }
  }

  function show(result) {
    const verdict = $("browser-verdict");
    const unchecked = everyFinding(result).filter((f) => f.ok === null).length;
    const key = result.ok ? (unchecked ? "passed_partly" : "passed") : "failed";
    verdict.className = "verdict " + (result.ok ? "ok" : "bad");
    verdict.dataset.verdict = result.ok ? "pass" : "fail";
    verdict.textContent = words.verdict[key];
    const list = $("browser-checks");
    list.textContent = "";
    lines(list, result);
    document.body.classList.add(result.ok ? "browser-pass" : "browser-fail");
    if (!result.ok) warn(result);
  }

  /** The tables were written from the bundle before this check: when it fails, each says not to rely on it, and
      the rows about an entry that failed are marked. */
  function warn(result) {
    const failed = new Set(everyFinding(result).filter((f) => f.ok === false && f.params.id).map((f) => String(f.params.id)));
    for (const part of document.querySelectorAll("section.data")) {
      const note = document.createElement("p");
      note.className = "warning";
      note.setAttribute("role", "alert");
      note.textContent = words.unverified;
      part.querySelector("h2").after(note);
      for (const row of part.querySelectorAll("tbody tr")) {
        const words_ = new Set(row.innerText.split(/[^\w:.-]+/));
        if ([...failed].some((id) => words_.has(id))) {
          row.classList.add("failed");
          row.cells[0].prepend(Object.assign(document.createElement("strong"), { textContent: words.marks.fail + " " }));
        }
      }
    }
  }

  function broken(error) {
    const verdict = $("browser-verdict");
    verdict.className = "verdict bad";
    verdict.dataset.verdict = "error";
    verdict.textContent = words.verdict.error + " (" + String(error && error.message ? error.message : error) + ")";
  }

  /** The reader's own artefact check: the chosen file is hashed here, in slices, and compared with the digests
      the bundle records for the selected items (trusted only as far as the browser's verdict goes). */
  function artefacts(result) {
    const input = $("artefact-file");
    const recorded = new Map();
    for (const event of result.contents ? result.contents.events : [])
      for (const a of event.artefacts) {
        const key = "sha256:" + a.digests.sha256;
        if (result.contents.selection.includes(key)) recorded.set(a.digests.sha256, a.name || key);
      }
    input.disabled = false;
    input.addEventListener("change", async () => {
      const file = input.files[0];
      if (!file) return;
      const progress = $("artefact-progress");
      const out = $("artefact-result");
      out.textContent = "";
      out.dataset.state = "running";
      const started = performance.now();
      const digest = await sha256Blob(file, (done, total) => {
        progress.max = total || 1;
        progress.value = done;
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const name = recorded.get(digest);
      const params = { file: file.name, sha256: digest, item: name, seconds };
      out.dataset.state = name !== undefined && result.ok ? "match" : "nomatch";
      out.dataset.sha256 = digest;
      out.textContent = fill(name !== undefined ? words.artefact.match : words.artefact.nomatch, params);
      if (name !== undefined && !result.ok) out.textContent += " " + words.artefact.unverified;
    });
  }

  /** Every verified event with its ledger's origin: the linked ledgers' histories first, as the report lists them. */
  const ledgerEvents = (result) =>
    [].concat(...(result.linked || []).map(ledgerEvents), result.contents.events.map((e) => [result.contents.header.origin, e]));

  /** What a row of the timeline must say of an event: time (UTC), action, id, seal, handlers, place. */
  function facts(event) {
    const people = [event.handler, event.counter_party].filter((h) => h).map((h) => h.name);
    const seal = event.seal ? [words.labels.seal + " " + event.seal] : [];
    const when = event.occurred_at.slice(0, 10) + " " + event.occurred_at.slice(11, 16) + " UTC+00:00";
    return [when, words.actions[event.action] || event.action, event.id, ...seal, ...people, event.location || "—"];
  }

  /** The instant the first time of a row states ("YYYY-MM-DD HH:MM UTC±HH:MM", in the zone the report was written
      for) as "YYYY-MM-DDTHH:MM" in UTC, to compare with the verified event whatever that zone; null without one. */
  function statedUtc(text) {
    const m = /(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}) UTC([+-])(\d{2}):(\d{2})/.exec(text);
    if (!m) return null;
    const offset = (m[6] === "-" ? -1 : 1) * (+m[7] * 60 + +m[8]) * 60000;
    return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) - offset).toISOString().slice(0, 16);
  }

  /** The timeline was written by scelle before this check: once the bundle verifies, each row is compared with the
      verified event it stands for; a table that differs (an edited page) is replaced by the verified events. */
  function timeline(result) {
    const heading = $("timeline-heading");
    const table = heading && heading.parentElement.querySelector("table");
    if (!table) return;
    const events = ledgerEvents(result);
    const linked = (result.linked || []).length > 0;
    const rows = [...table.tBodies[0].rows];
    const text = (node) => node.textContent.replace(/\s+/g, " ");
    const same =
      rows.length === events.length &&
      events.every(
        ([, e], i) =>
          statedUtc(text(rows[i])) === e.occurred_at.slice(0, 16) && facts(e).slice(1).every((f) => text(rows[i]).includes(f))
      );
    const note = document.createElement("p");
    note.className = same ? "checked" : "warning";
    note.textContent = same ? words.timeline.checked : words.timeline.replaced;
    heading.after(note);
    table.dataset.state = same ? "checked" : "replaced";
    if (same) return;
    table.tBodies[0].textContent = "";
    for (const [origin, e] of events) {
      const row = table.tBodies[0].insertRow();
      const f = facts(e);
      const who = f.slice(3 + (e.seal ? 1 : 0), -1);
      const cells = [f[0], f.slice(1, 3 + (e.seal ? 1 : 0)).join(" — "), who.join(" → "), f[f.length - 1], e.authorities.join(", ")];
      for (const value of linked ? [origin, ...cells] : cells) row.insertCell().textContent = value;
    }
  }

  async function run() {
    if (!window.crypto || !crypto.subtle) throw new Error("WebCrypto is not available");
    const bundle = ScelleVerifier.b64decode(data.bundle);
    const trust = data.trust.map((t) => ({ name: t.name, publicKey: ScelleVerifier.b64decode(t.public_key) }));
    const result = await ScelleVerifier.verify(bundle, trust, data.facts, { witnesses: data.witnesses, quorum: data.quorum });
    show(result);
    if (result.ok) timeline(result);
    artefacts(result);
  }

  run().catch(broken);
})();
