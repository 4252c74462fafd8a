"use strict";
/* The custody rules in the browser (custody.rules: chain, events, authority, changes), before verifier.js.
   Instruments' facts come from the page's data block; times are integer microseconds since 1970 (UTC);
   a finding is { code, params, parts } with the codes and parameters of custody.rules.breach. */
const ScelleRules = (() => {
  const DAY = 864e8;
  const breach = (code, params = {}, parts = []) => ({ code, params, parts });
  const days = (us) => (us / DAY).toFixed(1);
  // Handlers are read with exactly a handler's members (verifier.js), so comparing a's members is enough.
  const sameHandler = (a, b) => a === b || (!!a && !!b && Object.keys(a).every((k) => a[k] === b[k]));

  /** The breaches whose condition holds, from a list of [condition, code, params] rules. */
  const breaches = (...rules) => rules.filter(([bad]) => bad).map(([, code, params]) => breach(code, params));

  /** A time as custody.rules states it: "YYYY-MM-DDTHH:MM:SS[.ffffff]Z". */
  function utc(t) {
    const fraction = t % 1e6 ? "." + String(t % 1e6).padStart(6, "0") : "";
    return new Date(Math.floor(t / 1000)).toISOString().slice(0, 19) + fraction + "Z";
  }

  /** Whether an authority states the detail at a dotted ``path`` (empty text, list or false do not count). */
  function present(authority, path) {
    const value = path.split(".").reduce((v, part) => v?.[part], authority.body);
    return ![undefined, null, false, ""].includes(value) && !(Array.isArray(value) && !value.length);
  }

  /** The rules of authorities and their changes, given the instruments' facts. */
  function Rules({ instruments, eu }) {
    const emergency = eu.emergencyHours * 3600e6;
    const categories = (a) => (a.body.scope && a.body.scope.categories) || [];
    const sensitive = (a) =>
      a.body.instrument === eu.judgesOnly.order && categories(a).some((c) => eu.judgesOnly.data.includes(c));
    const validators = (a) => (sensitive(a) ? eu.judicial : eu.judicialOrProsecutor);
    const who = (a) => [...validators(a)].sort().join(",");
    const needsValidation = (a) =>
      eu.validated.includes(a.body.instrument) && !validators(a).includes(a.body.issuing_authority_type);

    /** What is wrong with an EU order's validation by an authority of ``type`` on ``date``. */
    const validationFindings = (a, type, date) =>
      breaches(
        [!validators(a).includes(type), "eu.wrong_validator", { type: type || "-", who: who(a) }],
        [a.body.emergency && date > a.issued + emergency, "eu.validated_late"],
      );

    /** What is wrong with an EU order: its validation, and the offence a sensitive order needs. */
    function euFindings(a) {
      const v = a.validation;
      const found = needsValidation(a) && v ? validationFindings(a, v.type || who(a), v.date) : [];
      const offence = a.body.offence;
      const minor = offence && !offence.eu_listed && (offence.max_penalty_months || 0) < eu.minPenaltyMonths;
      return found.concat(breaches([sensitive(a) && minor, "eu.offence"]));
    }

    /** What is wrong with an authority's window, or with how far an extension moves its ``base``'s end. */
    function windowFindings(a, rules, base) {
      const { name: instrument, min_days: min, max_days: max, extension_days: extension } = rules;
      const [grown, span] = [base ? a.until - base.until : 0, a.until - a.from];
      if (base) {
        const params = { instrument, days: days(grown), limit: extension };
        return breaches([extension !== null && grown > extension * DAY, "instrument.extension_long", params]);
      }
      // the window includes its last microsecond (a date given for its end stops at 23:59:59.999999)
      const [short, long] = [min !== null && span + 1 < min * DAY, max !== null && span > max * DAY];
      return breaches(
        [short, "instrument.window_short", { instrument, days: days(span), limit: min }],
        [long, "instrument.window_long", { instrument, days: days(span), limit: max }],
      );
    }

    /** What is wrong with an authority that extends an earlier one (its base, found in ``earlier``). */
    function extensionFindings(a, rules, earlier) {
      const base = earlier.get(a.body.extends);
      if (!base) return [breach("instrument.extends_unknown", { authority: a.body.extends })];
      let depth = 1;
      for (let at = base; earlier.has(at.body.extends); at = earlier.get(at.body.extends)) depth += 1;
      const [instrument, allowed, name] = [a.body.instrument, rules.extensions_allowed, rules.name];
      const tooMany = allowed !== null && depth > allowed;
      const other = base.body.instrument !== instrument && base.body.instrument;
      const found = breaches(
        [!rules.extendable, "instrument.not_extendable", { instrument: name }],
        [other, "instrument.extends_other", { instrument, base: other }],
        [a.issued > base.until, "instrument.extension_late", { authority: base.id }],
        [tooMany, "instrument.extensions_max", { instrument: name, count: allowed }],
      );
      return found.concat(windowFindings(a, rules, base));
    }

    /** What is wrong with an authority for its instrument (custody.rules.authority.check_authority). */
    function checkAuthority(a, earlier) {
      const rules = instruments[a.body.instrument];
      const { name: instrument, applies_from: start } = rules;
      const outside = categories(a).filter((c) => rules.categories !== null && !rules.categories.includes(c));
      const state = a.body.requesting_state || a.body.issuing_state;
      const late = start !== null && a.issued < start;
      const same = rules.cross_border && a.body.requested_state !== null && a.body.requested_state === state;
      const found = breaches(
        ...rules.required.map((field) => [!present(a, field), "instrument.required", { instrument, field }]),
        [outside.length, "instrument.categories", { instrument, categories: outside.join(",") }],
        [same, "instrument.same_state", { instrument, state }],
        [a.from < a.issued, "instrument.before_issue"],
        [late, "instrument.not_yet", { instrument, date: utc(start).slice(0, 10) }],
      );
      if (a.body.extends) found.push(...extensionFindings(a, rules, earlier));
      else found.push(...windowFindings(a, rules, null));
      return eu.validated.includes(a.body.instrument) ? found.concat(euFindings(a)) : found;
    }

    /** How an authority stood at ``at`` given the changes recorded to it, and the revocation in effect. */
    function inForce(a, changes, at) {
      const state = Object.assign({}, a);
      let revoked = null;
      for (const c of changes.filter((c) => c.body.authority === a.id && c.at <= at)) {
        if (c.body.change === "extend" && c.until !== null && c.until > state.until) state.until = c.until;
        else if (c.body.change === "validate" && !state.validation)
          state.validation = { date: c.at, type: c.body.decided_by_type };
        else if (c.body.change === "revoke" && revoked === null) revoked = c;
      }
      return { state, revoked };
    }

    /** Why an authority, as it stood, does not permit a use (custody.rules.authority.check_cover). */
    function checkCover(a, use, revoked) {
      const rules = instruments[a.body.instrument];
      const [instrument, state, at] = [rules.name, use.abroadTo, utc(use.at)];
      const outside = categories(a).length ? use.categories.filter((c) => !categories(a).includes(c)) : [];
      const requesting = a.body.requesting_state || a.body.issuing_state;
      const unvalidated = needsValidation(a) && !(a.validation && a.validation.date <= use.at);
      const { decided_by: by, reference } = revoked ? revoked.body : {};
      return breaches(
        [revoked, "cover.revoked", revoked && { at: utc(revoked.at), by, reference: reference || "-" }],
        [use.at < a.from || use.at > a.until, "cover.window", { at, start: utc(a.from), end: utc(a.until) }],
        [!rules.actions.includes(use.action), "cover.action", { instrument, action: use.action }],
        [outside.length, "cover.scope", { categories: outside.join(",") }],
        [state !== null && !rules.abroad, "cover.abroad", { instrument, state }],
        [state !== null && rules.abroad && state !== requesting, "cover.state", { state, requesting }],
        [unvalidated && !a.body.emergency, "cover.unvalidated", { at, who: who(a) }],
        [unvalidated && a.body.emergency && use.at > a.issued + emergency, "cover.emergency"],
      );
    }

    /** [] when one of the authorities, sound and as it stood then, permits the use; else why each fails. */
    function findCover(use, authorities, validity, changes) {
      if (!authorities.length) return [breach("cover.none", { action: use.action })];
      const reasons = [];
      for (const a of authorities) {
        const { state, revoked } = inForce(a, changes(a.id), use.at);
        const problems = validity(a).concat(checkCover(state, use, revoked));
        if (!problems.length) return [];
        const params = { authority: a.id, instrument: a.body.instrument, reference: a.body.reference };
        reasons.push(breach("cover.authority", params, problems));
      }
      return reasons;
    }

    /** What is wrong with extending an authority (its current end from the ``earlier`` changes). */
    function changeExtension(change, a, earlier) {
      const rules = instruments[a.body.instrument];
      const [instrument, limit, allowed] = [rules.name, rules.extension_days, rules.extensions_allowed];
      if (!rules.extendable) return [breach("instrument.not_extendable", { instrument })];
      const current = inForce(a, earlier, change.at).state.until;
      const end = change.until !== null ? change.until : current;
      const count = 1 + earlier.filter((e) => e.body.change === "extend").length;
      const long = end > current && limit !== null && end - current > limit * DAY;
      return breaches(
        [change.at > current, "change.lapsed", { at: utc(change.at), end: utc(current) }],
        [end <= current, "change.not_later", { end: utc(end), current: utc(current) }],
        [long, "instrument.extension_long", { instrument, days: days(end - current), limit }],
        [allowed !== null && count > allowed, "instrument.extensions_max", { instrument, count: allowed }],
      );
    }

    /** What is wrong with validating an authority: one that needs no validation, or has one already. */
    function changeValidation(change, a, earlier) {
      if (!needsValidation(a)) return [breach("change.no_validation", { instrument: a.body.instrument })];
      const done = earlier.filter((e) => e.body.change === "validate").map((e) => e.at);
      if (a.validation) done.unshift(a.validation.date);
      if (done.length) return [breach("change.validated_twice", { at: utc(done[0]) })];
      return validationFindings(a, change.body.decided_by_type, change.at);
    }

    /** What is wrong with recording a change to an authority (custody.rules.changes.check_change). */
    function checkChange(change, a, earlier, skew) {
      if (!a) return [breach("change.unknown", { authority: change.body.authority })];
      earlier = earlier.filter((e) => e.body.authority === a.id);
      const revoked = earlier.find((e) => e.body.change === "revoke");
      const [at, recorded] = [utc(change.at), utc(change.recorded)];
      const found = breaches(
        [change.at < a.issued, "change.before_issue", { at, issued: utc(a.issued) }],
        [change.at > change.recorded + skew, "change.future", { at, recorded }],
        [revoked, "change.revoked", revoked && { at: utc(revoked.at) }],
      );
      if (change.body.change === "extend") return found.concat(changeExtension(change, a, earlier));
      return change.body.change === "validate" ? found.concat(changeValidation(change, a, earlier)) : found;
    }

    return { checkAuthority, checkChange, findCover };
  }

  /** The chain rules over a bundle's entries in ledger order (custody.rules.chain, custody.rules.events). */
  function chain(parsed, selection, keys, header, facts, add) {
    const rules = Rules(facts);
    const skew = facts.limits.clockSkewMinutes * 60e6;
    const selected = new Set(selection);
    const maps = Array.from(Array(7), () => new Map());
    const [keyIndex, handlers, authorities, validity, changed, last, known] = maps;
    const [seen, codes] = [new Set(), new Set()];
    let [previous, needing] = [null, 0];

    /** A failed rule, its code remembered. */
    function problem(code, params, parts = []) {
      codes.add(code);
      add(code, false, params, parts);
    }

    /** The handlers of an event as their keys registered them (custody.rules.events). */
    function identities({ body, id }) {
      const stated = Object.keys(facts.forms.records.Handler).slice(0, 4); // name to country
      for (const h of [body.handler, body.counter_party].filter((h) => h)) {
        const registered = handlers.get(h.key_fingerprint);
        const text = registered && stated.map((k) => registered[k]).join(", ");
        const [name, key] = [h.name, h.key_fingerprint];
        if (registered === undefined) problem("identity.unregistered", { id, name, key });
        else if (!sameHandler(registered, h)) problem("identity.bad", { id, name, registered: text });
      }
    }

    /** The rules of one event against the entries before it (custody.rules.events.event_findings). */
    function event(entry) {
      const { body, id } = entry;
      const [occurred, recorded, action] = [body.occurred_at, body.recorded_at, body.action];
      if (header !== null && body.case !== header.case)
        problem("case.bad", { id, expected: header.case, got: body.case });
      identities(entry);
      if (entry.occurred > entry.recorded + skew)
        problem("order.recorded", { id, occurred, recorded, skew: facts.limits.clockSkewMinutes });
      if (previous !== null && entry.recorded < previous.recorded)
        problem("order.ledger", { id, recorded, previous: previous.id, before: previous.body.recorded_at });
      for (const artefact of body.late_reason ? [] : entry.keys) {
        const head = last.get(artefact);
        const params = { id, action, occurred, previous: head && head.id, artefact };
        if (head !== undefined && entry.occurred < head.occurred)
          problem("order.artefact", { ...params, before: head.body.occurred_at });
      }
      handovers(entry, last, problem);
      for (const source of body.derived_from || [])
        if (!last.has(source)) problem("chain.source", { id, source });
      body.artefacts.forEach((a, i) => {
        const have = known.get(entry.keys[i]) || {};
        if (Object.entries(a.digests).some(([alg, v]) => alg in have && have[alg] !== v))
          problem("digests.bad", { id, artefact: entry.keys[i] });
      });
      for (const ref of body.authorities.filter((ref) => !authorities.has(ref)))
        problem("authority.missing", { id, authority: ref });
      if (facts.needsAuthority.includes(action)) cover(entry);
      previous = entry;
      if (!entry.keys.some((k) => selected.has(k))) problem("selection.extra", { id });
      entry.keys.forEach((key, i) => {
        known.set(key, Object.assign(known.get(key) || {}, body.artefacts[i].digests));
        if (!selected.has(key)) return;
        if (last.has(key) && !body.prev.includes(last.get(key).id))
          problem("chain.prev", { id, previous: last.get(key).id, artefact: key });
        last.set(key, entry);
      });
      if (entry.keys.every((k) => selected.has(k)))
        for (const missing of body.prev) if (!seen.has(missing)) problem("chain.missing", { id, missing });
      seen.add(id);
    }

    /** Whether an event's authorities cover its action, its data and, for a handover abroad, the State. */
    function cover(entry) {
      const body = entry.body;
      needing += 1;
      const counter = body.counter_party || body.recipient || null; // an offer abroad: the transfer's cover
      const abroadTo = counter !== null && counter.country !== body.handler.country ? counter.country : null;
      const use = { action: body.action, at: entry.occurred, categories: body.categories, abroadTo };
      const cited = body.authorities.filter((ref) => authorities.has(ref)).map((ref) => authorities.get(ref));
      const [sound, changes] = [(a) => validity.get(a.id) || [], (ref) => changed.get(ref) || []];
      const reasons = rules.findCover(use, cited, sound, changes);
      if (reasons.length) problem("authority.cover", { id: entry.id, action: body.action }, reasons);
    }

    for (const entry of parsed) {
      const { body, id, kind } = entry;
      if (kind === "key" && !keyIndex.has(id)) {
        keyIndex.set(id, entry.index);
        handlers.set(id, body.handler);
      }
      for (const s of entry.signatures) {
        const at = keyIndex.get(s.key);
        if (kind !== "key" && keys.has(s.key) && (at === undefined || at > entry.index))
          problem("order.key", { id, signer: s.key });
      }
      if (kind === "authority" && !authorities.has(id)) {
        validity.set(id, rules.checkAuthority(entry, authorities));
        authorities.set(id, entry);
      } else if (kind === "authority-change") {
        const earlier = changed.get(body.authority) || [];
        const found = rules.checkChange(entry, authorities.get(body.authority), earlier, skew);
        const params = { id, change: body.change, authority: body.authority };
        if (found.length) problem("authority.change", params, found);
        else changed.set(body.authority, earlier.concat([entry]));
      } else if (kind === "event") event(entry);
    }
    for (const artefact of [...selected].sort())
      if (!last.has(artefact)) problem("selection.missing", { artefact });
    const events = parsed.filter((e) => e.kind === "event").length;
    const covered = ![...codes].some((c) => c.startsWith("authority."));
    if (events && covered) add("authority.ok", true, { count: needing });
    if (events && !facts.orderCodes.some((c) => codes.has(c))) add("order.ok", true, { count: events });
  }

  /** While an offer is pending only its transfer may follow; a late-recorded transfer was signed after. */
  function handovers(entry, last, problem) {
    const body = entry.body;
    for (const key of entry.keys) {
      const head = last.get(key);
      if (head === undefined) continue;
      const [id, previous] = [body.id, head.id];
      const params = { id, signed: body.signed_at, previous, before: head.body.recorded_at };
      if (entry.signed !== undefined && entry.signed < head.recorded) problem("order.signed", params);
      if (head.body.action !== "offered" || body.action === "offered") continue;
      const to = head.body.recipient;
      const handlers = sameHandler(body.handler, head.body.handler) && sameHandler(body.counter_party, to);
      const completes = body.prev.includes(head.id) && body.action === "transferred" && handlers;
      const recipient = to ? to.name : "?";
      if (!completes) problem("offer.pending", { id, artefact: key, offer: previous, recipient });
    }
  }

  return { chain, sameHandler };
})();
