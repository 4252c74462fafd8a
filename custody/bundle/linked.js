"use strict";
/* Linked history in the browser (custody.bundle.linked): which trusted key a bundle is checked with, and the findings
   that tie each received event to the linked bundle of the ledger it came from. Loaded before verifier.js.

   A "view" is what the verifier learnt of one linked bundle: its origin, its checkpoint as read (origin, size, root
   in base64, or null), its event entries, whether it verified, and its failed findings. A failure's detail is a
   finding (code and parameters), never English text, so the page states it in the report's language. */
const ScelleLinks = (() => {
  const HANDLER = ["name", "role", "organisation", "country", "key_fingerprint"];
  const REASONS_SHOWN = 3;
  const sameHandler = (a, b) => !!a && !!b && HANDLER.every((k) => a[k] === b[k]);
  const digests = (d) => JSON.stringify(Object.entries(d || {}).sort());

  /** The trusted key for a bundle whose ledger header names ``headerKey`` (bytes or null), and the ledger's origin
      when none of ``keys`` is its key: one key given for the top bundle is kept whatever the bundle says. */
  function chooseKey(headerKey, origin, keys, top, equal) {
    for (const key of keys) if (headerKey && equal(key.publicKey, headerKey)) return { key, untrusted: null };
    if (top && keys.length === 1) return { key: keys[0], untrusted: null };
    return { key: keys[0], untrusted: headerKey ? origin : "(a ledger without a header entry)" };
  }

  /** Why a received event does not match the offered one (a browser finding code), or null. */
  function problem(received, offered) {
    if (!offered || offered.body.action !== "offered") return { code: "browser.handover_absent", params: {} };
    const to = offered.body.recipient;
    if (!sameHandler(to, received.body.handler))
      return { code: "browser.handover_recipient", params: { name: to ? to.name : "-", got: received.body.handler.name } };
    const offeredDigests = new Map(offered.body.artefacts.map((a) => ["sha256:" + a.digests.sha256, digests(a.digests)]));
    if (received.body.artefacts.some((a) => offeredDigests.get("sha256:" + a.digests.sha256) !== digests(a.digests)))
      return { code: "browser.handover_artefacts", params: {} };
    if (received.occurred < offered.occurred) return { code: "browser.handover_early", params: {} };
    return null;
  }

  /** The handover findings of a bundle's received events, then one (or two) per linked bundle. */
  function findings(events, views) {
    const found = [];
    const used = new Set();
    for (const received of events) {
      const link = received.body.handover;
      if (link === undefined) continue;
      const match = views.findIndex(
        (v) => v.checkpoint && v.checkpoint.origin === link.origin && v.checkpoint.size === link.size && v.checkpoint.root === link.root,
      );
      if (match < 0) {
        found.push({ code: "handover.missing", ok: false, params: { id: received.id, origin: link.origin, size: link.size } });
        continue;
      }
      used.add(match);
      const offered = views[match].events.find((e) => e.id === link.offer);
      const why = problem(received, offered);
      if (why) found.push({ code: "handover.bad", ok: false, params: { id: received.id, origin: link.origin, detail: [why] } });
      else {
        const at = received.body.occurred_at.replace(/\.\d{6}Z$/, "Z");
        found.push({ code: "handover.ok", ok: true, params: { id: received.id, offer: link.offer, origin: link.origin, at } });
      }
    }
    views.forEach((view, i) => {
      if (view.ok) found.push({ code: "link.ok", ok: true, params: { origin: view.origin, events: view.events.length } });
      else found.push({ code: "link.bad", ok: false, params: { origin: view.origin, detail: view.failures.slice(0, REASONS_SHOWN) } });
      if (!used.has(i)) found.push({ code: "link.unused", ok: false, params: { origin: view.origin } });
    });
    return found;
  }

  return { chooseKey, findings };
})();
