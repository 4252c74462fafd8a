"use strict";
/* The report page's own check: runs ScelleVerifier (verifier.js, inlined before this file) on the bundle bytes
   embedded in the page, against the ledger keys whose fingerprints the page prints, and writes the verdict it
   computed in the report's language. Words come from the page's data block (custody.i18n), never from the network. */
(() => {
  const data = JSON.parse(document.getElementById("scelle-data").textContent);
  const words = data.words;
  const actions = words.params.action.words;
  const $ = (id) => document.getElementById(id);
  const element = (tag, properties) => Object.assign(document.createElement(tag), properties);
  const STATES = { true: ["ok", "ok"], false: ["fail", "bad"], null: ["unchecked", "na"] }; // by ok: state, mark

  /** A stored UTC instant ("YYYY-MM-DDTHH:MM:SS[.f]Z") as evidence.common.zones.shown writes it in the report's zone
      (data.zone): "YYYY-MM-DD HH:MM[:SS] UTC±HH:MM"; anything else, or a zone this browser does not know, as it is. */
  function inZone(text, seconds) {
    const moment = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/.test(text) ? new Date(text) : null;
    const zone = data.zone || "UTC";
    let offset = /^[+-]\d\d:\d\d$/.test(zone) ? zone : "+00:00";
    if (!moment) return text;
    if (offset !== zone && zone !== "UTC" && zone !== "Z") {
      try {
        const format = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
        offset = format.formatToParts(moment).find((p) => p.type === "timeZoneName").value.slice(3) || "+00:00";
      } catch (e) {
        return text; // a zone this browser does not know
      }
    }
    const minutes = (offset[0] === "-" ? -1 : 1) * (+offset.slice(1, 3) * 60 + +offset.slice(4, 6));
    const local = new Date(moment.getTime() + minutes * 60000).toISOString();
    return local.slice(0, 10) + " " + local.slice(11, seconds ? 19 : 16) + " UTC" + offset;
  }

  /** A parameter's value as custody.i18n.finding states it: vocabulary words translated, days' decimal comma, a
      time in the report's zone. */
  function value(name, v) {
    const { words: table, join } = words.params[name] || {};
    const word = (x) => (table && Object.hasOwn(table, x) ? table[x] : x);
    if (table) return join === null ? String(word(v)) : String(v).split(",").map(word).join(join);
    return name === "days" ? String(v).replace(".", words.decimal) : inZone(String(v), true);
  }
  const fill = (template, params) => template.replace(/\{(\w+)\}/g, (m, k) => (k in params ? value(k, params[k]) : m));

  /** A finding in the report's language; a detail that is itself a list of findings (the reasons a linked history
      or a handover failed, the parts of a breach) is stated the same way, never as English text. */
  function sentence(f) {
    const params = Object.assign({}, f.params);
    if (Array.isArray(params.detail)) params.detail = params.detail.map(sentence).join(" ; ");
    const nested = f.parts && f.parts.some((p) => p.parts && p.parts.length);
    if (f.parts && f.parts.length) params.detail = f.parts.map(sentence).join(nested ? " | " : "; ");
    const template = words.findings[f.code];
    return template === undefined ? f.code + ": " + JSON.stringify(params) : fill(template, params);
  }

  const everyFinding = (result) => result.findings.concat(...(result.linked || []).map(everyFinding));

  /** One line per check of a bundle, and under each linked history's line, the checks of that history. */
  function lines(list, result) {
    for (const f of result.findings) {
      const [state, mark] = STATES[f.ok];
      const li = document.createElement("li");
      Object.assign(li.dataset, { code: f.code, state });
      li.append(element("span", { className: "mark " + mark, textContent: words.marks[state] }));
      li.append(element("span", { textContent: sentence(f) }));
      list.append(li);
      const linked = ["link.ok", "link.bad"].includes(f.code) && result.linked.find((r) => r.origin === f.params.origin);
      if (!linked) continue;
      const sub = element("ul", { className: "checks linked" });
      lines(sub, linked);
      list.append(element("li", { className: "sub" }));
      list.lastChild.append(sub);
    }
  }

  /** The verdict and the checks; when the check fails, each table written from the bundle before it says not to rely
      on it, and its rows about an entry that failed are marked. */
  function show(result) {
    const unchecked = everyFinding(result).some((f) => f.ok === null);
    const verdict = $("browser-verdict");
    verdict.className = "verdict " + (result.ok ? "ok" : "bad");
    verdict.dataset.verdict = result.ok ? "pass" : "fail";
    verdict.textContent = words.verdict[result.ok ? (unchecked ? "passed_partly" : "passed") : "failed"];
    $("browser-checks").textContent = "";
    lines($("browser-checks"), result);
    document.body.classList.add(result.ok ? "browser-pass" : "browser-fail");
    if (result.ok) return;
    const failed = everyFinding(result).filter((f) => f.ok === false && f.params.id).map((f) => String(f.params.id));
    for (const part of document.querySelectorAll("section.data")) {
      const note = element("p", { className: "warning", textContent: words.unverified });
      note.setAttribute("role", "alert");
      part.querySelector("h2").after(note);
      for (const row of part.querySelectorAll("tbody tr")) {
        const terms = new Set(row.innerText.split(/[^\w:.-]+/));
        if (!failed.some((id) => terms.has(id))) continue;
        row.classList.add("failed");
        row.cells[0].prepend(element("strong", { textContent: words.marks.fail + " " }));
      }
    }
  }

  /** The reader's own artefact check: the chosen file is hashed here, in slices, and compared with the digests
      the bundle records for the selected items (trusted only as far as the browser's verdict goes). */
  function artefacts(result) {
    const [input, progress, out] = [$("artefact-file"), $("artefact-progress"), $("artefact-result")];
    const recorded = new Map();
    for (const a of (result.contents ? result.contents.events : []).flatMap((e) => e.artefacts)) {
      const key = "sha256:" + a.digests.sha256;
      if (result.contents.selection.includes(key)) recorded.set(a.digests.sha256, a.name || key);
    }
    input.disabled = false;
    input.addEventListener("change", async () => {
      const file = input.files[0];
      if (!file) return;
      out.textContent = "";
      out.dataset.state = "running";
      const started = performance.now();
      const digest = await sha256Blob(file, (done, total) => Object.assign(progress, { max: total || 1, value: done }));
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const item = recorded.get(digest);
      out.dataset.state = item !== undefined && result.ok ? "match" : "nomatch";
      out.dataset.sha256 = digest;
      const template = item !== undefined ? words.artefact.match : words.artefact.nomatch;
      out.textContent = fill(template, { file: file.name, sha256: digest, item, seconds });
      if (item !== undefined && !result.ok) out.textContent += " " + words.artefact.unverified;
    });
  }

  /** Every verified event with its ledger's origin: the linked ledgers' histories first, as the report lists them. */
  const ledgerEvents = ({ linked, contents }) =>
    [].concat(...(linked || []).map(ledgerEvents), contents.events.map((e) => [contents.header.origin, e]));

  /** The cells of an event's timeline row, each a list of texts: when (in the report's zone, as the rows show it),
      what (action, id, seal), who, where and under which authorities; a row states an event when it holds the first
      four. */
  function cells(event) {
    const when = inZone(event.occurred_at, false);
    const what = [actions[event.action] || event.action, event.id].concat(event.seal ? [words.seal + " " + event.seal] : []);
    const who = [event.handler, event.counter_party].filter((h) => h).map((h) => h.name);
    return [[when], what, who, [event.location || "—"], event.authorities];
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
    const rows = [...table.tBodies[0].rows].map((row) => row.textContent.replace(/\s+/g, " "));
    // the time is compared as the instant the row states (the report may show another zone), the rest as text
    const states = (e, i) =>
      statedUtc(rows[i]) === e.occurred_at.slice(0, 16) && cells(e).slice(1, 4).flat().every((t) => rows[i].includes(t));
    const same = rows.length === events.length && events.every(([, e], i) => states(e, i));
    const state = same ? "checked" : "replaced";
    heading.after(element("p", { className: same ? "checked" : "warning", textContent: words.timeline[state] }));
    table.dataset.state = state;
    if (same) return;
    table.tBodies[0].textContent = "";
    for (const [origin, e] of events) {
      const texts = cells(e).map((texts, i) => texts.join([" ", " — ", " → ", " ", ", "][i]));
      const row = table.tBodies[0].insertRow();
      for (const text of (result.linked || []).length ? [origin, ...texts] : texts) row.insertCell().textContent = text;
    }
  }

  /** Verify the embedded bundle and show what the browser found; a verifier that cannot run says why. */
  async function run() {
    if (!window.crypto || !crypto.subtle) throw new Error("WebCrypto is not available");
    const trust = data.trust.map((t) => ({ name: t.name, publicKey: ScelleVerifier.b64decode(t.public_key) }));
    const options = { witnesses: data.witnesses, quorum: data.quorum };
    const result = await ScelleVerifier.verify(ScelleVerifier.b64decode(data.bundle), trust, data.facts, options);
    show(result);
    if (result.ok) timeline(result);
    artefacts(result);
  }

  run().catch((error) => {
    const verdict = $("browser-verdict");
    const why = String(error && error.message ? error.message : error);
    Object.assign(verdict, { className: "verdict bad", textContent: words.verdict.error + " (" + why + ")" });
    verdict.dataset.verdict = "error";
  });
})();
