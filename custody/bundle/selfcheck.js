"use strict";
/* The report page's own check: runs ScelleVerifier on the bundle bytes embedded in the page, against the
   ledger keys the page prints; writes its verdict with the words of the page's data block. */
(() => {
  const data = JSON.parse(document.getElementById("scelle-data").textContent);
  const words = data.words;
  const $ = (id) => document.getElementById(id);
  const element = (tag, properties) => Object.assign(document.createElement(tag), properties);
  const reveal = (when) => // the notes the report holds hidden for this outcome (custody.bundle.selfcheck)
    document.querySelectorAll(`[data-shown=${when}]`).forEach((note) => (note.hidden = false));
  const STATES = { true: ["ok", "ok"], false: ["fail", "bad"], null: ["unchecked", "na"] }; // state, mark
  const everyFinding = (result) => result.findings.concat(...(result.linked || []).map(everyFinding));

  // As evidence.common.zones.shown: "YYYY-MM-DD HH:MM[:SS] UTC±HH:MM"; other text, an unknown zone: as is.
  /** A stored UTC instant ("...Z") in the report's zone (data.zone). */
  function inZone(text, seconds) {
    const zone = data.zone || "UTC";
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/.test(text)) return text;
    const moment = new Date(text);
    let offset = /^[+-]\d\d:\d\d$/.test(zone) ? zone : "+00:00";
    if (offset !== zone && zone !== "UTC" && zone !== "Z") {
      try {
        const format = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
        const name = format.formatToParts(moment).find((p) => p.type === "timeZoneName").value; // GMT+01:00
        offset = name.slice(3) || "+00:00";
      } catch (e) {
        return text; // a zone this browser does not know
      }
    }
    const minutes = (offset[0] === "-" ? -1 : 1) * (+offset.slice(1, 3) * 60 + +offset.slice(4, 6));
    const local = new Date(moment.getTime() + minutes * 60000).toISOString();
    return local.slice(0, 10) + " " + local.slice(11, seconds ? 19 : 16) + " UTC" + offset;
  }

  /** A parameter as custody.i18n.finding states it: words translated, decimal comma, times in the zone. */
  function value(name, v) {
    const { words: table, join } = words.params[name] || {};
    const word = (x) => (table && Object.hasOwn(table, x) ? table[x] : x);
    if (table) return join === null ? String(word(v)) : String(v).split(",").map(word).join(join);
    return name === "days" ? String(v).replace(".", words.decimal) : inZone(String(v), true);
  }

  /** Each [[count|one|many]] as its count takes it (custody.i18n.words.singular), then the {params}. */
  const fill = (template, params) =>
    template
      .replace(/\[\[(\w+)\|([^|\]]*)\|([^|\]]*)\]\]/g, (m, k, one, many) =>
        Number(params[k]) === 1 || (words.zeroSingular && Number(params[k]) === 0) ? one : many)
      .replace(/\{(\w+)\}/g, (m, k) => (k in params ? value(k, params[k]) : m));

  /** A finding in the report's language, with the findings in its detail or parts stated the same way. */
  function sentence(f) {
    const params = Object.assign({}, f.params);
    if (Array.isArray(params.detail)) params.detail = params.detail.map(sentence).join(" ; ");
    const nested = f.parts && f.parts.some((p) => p.parts && p.parts.length);
    const sep = nested ? " | " : words.semicolon;
    if (f.parts && f.parts.length) params.detail = f.parts.map(sentence).join(sep);
    const template = words.findings[f.code];
    return template === undefined ? f.code + ": " + JSON.stringify(params) : fill(template, params);
  }

  /** One line per check of a bundle, and under each linked history's line, the checks of that history. */
  function lines(list, result) {
    for (const f of result.findings) {
      const [state, mark] = STATES[f.ok];
      const li = list.appendChild(element("li", {}));
      Object.assign(li.dataset, { code: f.code, state });
      li.append(element("span", { className: "mark " + mark, textContent: words.marks[state] }));
      li.append(element("span", { textContent: sentence(f) }));
      const history = ["link.ok", "link.bad"].includes(f.code);
      const linked = history && result.linked.find((r) => r.origin === f.params.origin);
      const sub = linked && list.appendChild(element("li", { className: "sub" }));
      if (linked) lines(sub.appendChild(element("ul", { className: "checks linked" })), linked);
    }
  }

  /** The verdict and the checks; on failure, each table from the bundle warns and marks the failed rows. */
  function show(result) {
    const unchecked = everyFinding(result).some((f) => f.ok === null);
    const verdict = $("browser-verdict");
    verdict.className = "verdict " + (result.ok ? "ok" : "bad");
    verdict.dataset.verdict = result.ok ? "pass" : "fail";
    verdict.textContent = words.verdict[result.ok ? (unchecked ? "passed_partly" : "passed") : "failed"];
    lines($("browser-checks"), result);
    document.body.classList.add(result.ok ? "browser-pass" : "browser-fail");
    if (result.ok) return;
    reveal("fail");
    const failed = everyFinding(result).filter((f) => f.ok === false && f.params.id);
    const ids = new Set(failed.map((f) => String(f.params.id)));
    for (const row of document.querySelectorAll("section.data tbody tr")) {
      const terms = new Set(row.innerText.split(/[^\w:.-]+/));
      if (![...ids].some((id) => terms.has(id))) continue;
      row.classList.add("failed");
      row.cells[0].prepend(element("strong", { textContent: words.marks.fail + " " }));
    }
  }

  /** The reader's artefact check: the chosen file hashed here, in slices, against the recorded digests. */
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
      const digest = await sha256Blob(file, (value, max) => Object.assign(progress, { value, max }));
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const item = recorded.get(digest);
      const state = item !== undefined && result.ok ? "match" : "nomatch";
      Object.assign(out.dataset, { state, sha256: digest });
      const template = item !== undefined ? words.artefact.match : words.artefact.nomatch;
      out.textContent = fill(template, { file: file.name, sha256: digest, item, seconds });
      if (item !== undefined && !result.ok) out.textContent += " " + words.artefact.unverified;
    });
  }

  /** Every verified event with its ledger's origin, the linked ledgers' first, as the report lists them. */
  const ledgerEvents = ({ linked, contents }) =>
    [].concat(...(linked || []).map(ledgerEvents), contents.events.map((e) => [contents.header.origin, e]));

  /** An event's timeline cells, lists of texts: when (report's zone), what, who, where, which authorities. */
  function cells(event) {
    const what = [words.params.action.words[event.action] || event.action, event.id];
    if (event.seal) what.push(words.seal + " " + event.seal);
    const who = [event.handler, event.counter_party].filter((h) => h).map((h) => h.name);
    return [[inZone(event.occurred_at, false)], what, who, [event.location || "—"], event.authorities];
  }

  /** The instant a row states ("YYYY-MM-DD HH:MM UTC±HH:MM") as "YYYY-MM-DDTHH:MM" in UTC, or null. */
  function statedUtc(text) {
    const m = /(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}) UTC([+-])(\d{2}):(\d{2})/.exec(text);
    const offset = m && (m[6] === "-" ? -1 : 1) * (+m[7] * 60 + +m[8]) * 60000;
    return m && new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) - offset).toISOString().slice(0, 16);
  }

  /** The timeline scelle wrote, checked row by row against the verified events; replaced if it differs. */
  function timeline(result) {
    const table = $("timeline-heading") && $("timeline-heading").parentElement.querySelector("table");
    if (!table) return;
    const events = ledgerEvents(result);
    const rows = [...table.tBodies[0].rows].map((row) => row.textContent.replace(/\s+/g, " "));
    const texts = (e) => cells(e).slice(1, 4).flat(); // the time is compared as the instant the row states
    const states = ([, e], i) =>
      statedUtc(rows[i]) === e.occurred_at.slice(0, 16) && texts(e).every((t) => rows[i].includes(t));
    const same = rows.length === events.length && events.every(states);
    table.dataset.state = same ? "checked" : "replaced";
    reveal(table.dataset.state);
    if (same) return;
    table.tBodies[0].textContent = "";
    for (const [origin, e] of events) {
      const texts = cells(e).map((texts, i) => texts.join([" ", " — ", " → ", " ", ", "][i]));
      const row = table.tBodies[0].insertRow();
      for (const text of result.linked.length ? [origin, ...texts] : texts)
        row.insertCell().textContent = text;
    }
  }

  /** Verify the embedded bundle and show what the browser found. */
  async function run() {
    if (!window.crypto || !crypto.subtle) throw new Error("WebCrypto is not available");
    const { b64decode, verify } = ScelleVerifier;
    const trust = data.trust.map((t) => ({ name: t.name, publicKey: b64decode(t.public_key) }));
    const options = { witnesses: data.witnesses, quorum: data.quorum };
    const result = await verify(b64decode(data.bundle), trust, data.facts, options);
    show(result);
    if (result.ok) timeline(result);
    artefacts(result);
  }

  run().catch((error) => {
    const verdict = Object.assign($("browser-verdict"), { className: "verdict bad" });
    const why = String(error && error.message ? error.message : error);
    verdict.textContent = words.verdict.error + " (" + why + ")";
    verdict.dataset.verdict = "error";
  });
})();
