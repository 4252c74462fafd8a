"use strict";
/* The legal-authority rules in the browser: custody.rules.authority (is an authority complete and valid for its
   instrument; as it stood at an event's time, given its extensions, validation and revocation, does it cover that
   action on that data) and custody.rules.changes (may a change to an authority be recorded). Loaded before
   verifier.js.

   The instruments' facts come from the page's data block (custody.bundle.selfcheck.facts, read from
   custody.rules.instruments), never restated here. Times are integer microseconds since 1970 (UTC). A finding is
   { code, params, parts } with the codes and parameters of custody.rules.breach, so the page states it in French or
   English from the same catalogue as Python. */
const ScelleRules = (() => {
  const DAY = 864e8;
  const breach = (code, params = {}, parts = []) => ({ code, params, parts });
  const days = (us) => (us / DAY).toFixed(1);

  function utc(t) {
    const fraction = t % 1e6;
    const text = new Date(Math.floor(t / 1000)).toISOString().slice(0, 19);
    return text + (fraction ? "." + String(fraction).padStart(6, "0") : "") + "Z";
  }

  function present(authority, path) {
    let value = authority.body;
    for (const part of path.split(".")) value = value === null || value === undefined ? undefined : value[part];
    return !(value === undefined || value === null || value === false || value === "" || (Array.isArray(value) && !value.length));
  }

  function Rules(facts) {
    const instruments = facts.instruments || {};
    const eu = facts.eu || { validated: [], judicial: [], judicialOrProsecutor: [], emergencyHours: 48, minPenaltyMonths: 36 };
    const emergency = eu.emergencyHours * 3600e6;
    const categories = (a) => (a.body.scope && a.body.scope.categories) || [];
    const sensitive = (a) => a.body.instrument === "eu-epoc" && categories(a).some((c) => c === "traffic" || c === "content");
    const validators = (a) => (sensitive(a) ? eu.judicial : eu.judicialOrProsecutor);
    const who = (a) => [...validators(a)].sort().join(",");
    const needsValidation = (a) => eu.validated.includes(a.body.instrument) && !validators(a).includes(a.body.issuing_authority_type);

    function validationFindings(a, type, date) {
      const found = [];
      if (!validators(a).includes(type)) found.push(breach("eu.wrong_validator", { type: type || "-", who: who(a) }));
      if (a.body.emergency && date > a.issued + emergency) found.push(breach("eu.validated_late"));
      return found;
    }

    function euFindings(a) {
      const found = [];
      if (needsValidation(a) && a.validation) found.push(...validationFindings(a, a.validation.type || who(a), a.validation.date));
      const offence = a.body.offence;
      if (sensitive(a) && offence && !offence.eu_listed && (offence.max_penalty_months || 0) < eu.minPenaltyMonths)
        found.push(breach("eu.offence"));
      return found;
    }

    function windowFindings(a, rules, base) {
      const name = rules.name;
      if (base) {
        const grown = a.until - base.until;
        if (rules.extension_days !== null && grown > rules.extension_days * DAY)
          return [breach("instrument.extension_long", { instrument: name, days: days(grown), limit: rules.extension_days })];
        return [];
      }
      const window = a.until - a.from;
      const found = [];
      // the window includes its last microsecond (a date given for its end stops at 23:59:59.999999)
      if (rules.min_days !== null && window + 1 < rules.min_days * DAY)
        found.push(breach("instrument.window_short", { instrument: name, days: days(window), limit: rules.min_days }));
      if (rules.max_days !== null && window > rules.max_days * DAY)
        found.push(breach("instrument.window_long", { instrument: name, days: days(window), limit: rules.max_days }));
      return found;
    }

    function extensionFindings(a, rules, earlier) {
      const base = earlier.get(a.body.extends);
      if (!base) return [breach("instrument.extends_unknown", { authority: a.body.extends })];
      const found = [];
      if (!rules.extendable) found.push(breach("instrument.not_extendable", { instrument: rules.name }));
      if (base.body.instrument !== a.body.instrument)
        found.push(breach("instrument.extends_other", { base: base.body.instrument, instrument: a.body.instrument }));
      if (a.issued > base.until) found.push(breach("instrument.extension_late", { authority: base.id }));
      let depth = 1;
      for (let cursor = base; cursor.body.extends && earlier.has(cursor.body.extends); cursor = earlier.get(cursor.body.extends)) depth += 1;
      if (rules.extensions_allowed !== null && depth > rules.extensions_allowed)
        found.push(breach("instrument.extensions_max", { instrument: rules.name, count: rules.extensions_allowed }));
      return found.concat(windowFindings(a, rules, base));
    }

    /** What is wrong with an authority for its instrument (custody.rules.authority.check_authority). */
    function checkAuthority(a, earlier) {
      const rules = instruments[a.body.instrument];
      const found = rules.required.filter((path) => !present(a, path)).map((field) => breach("instrument.required", { instrument: rules.name, field }));
      if (rules.categories !== null) {
        const outside = categories(a).filter((c) => !rules.categories.includes(c));
        if (outside.length) found.push(breach("instrument.categories", { instrument: rules.name, categories: outside.join(",") }));
      }
      const requesting = a.body.requesting_state || a.body.issuing_state;
      if (rules.cross_border && a.body.requested_state !== null && a.body.requested_state === requesting)
        found.push(breach("instrument.same_state", { instrument: rules.name, state: requesting }));
      if (a.from < a.issued) found.push(breach("instrument.before_issue"));
      if (rules.applies_from !== null && a.issued < rules.applies_from)
        found.push(breach("instrument.not_yet", { instrument: rules.name, date: utc(rules.applies_from).slice(0, 10) }));
      found.push(...(a.body.extends !== null ? extensionFindings(a, rules, earlier) : windowFindings(a, rules, null)));
      if (eu.validated.includes(a.body.instrument)) found.push(...euFindings(a));
      return found;
    }

    /** How an authority stood at ``at`` given the changes recorded to it, and the revocation then in effect. */
    function inForce(a, changes, at) {
      const state = Object.assign({}, a);
      let revoked = null;
      for (const c of changes) {
        if (c.body.authority !== a.id || c.at > at) continue;
        if (c.body.change === "extend" && c.until !== null && c.until > state.until) state.until = c.until;
        else if (c.body.change === "validate" && !state.validation) state.validation = { date: c.at, type: c.body.decided_by_type };
        else if (c.body.change === "revoke" && revoked === null) revoked = c;
      }
      return { state, revoked };
    }

    function checkCover(a, use, revoked) {
      const rules = instruments[a.body.instrument];
      const found = [];
      if (revoked) found.push(breach("cover.revoked", { at: utc(revoked.at), by: revoked.body.decided_by, reference: revoked.body.reference || "-" }));
      if (use.at < a.from || use.at > a.until) found.push(breach("cover.window", { at: utc(use.at), start: utc(a.from), end: utc(a.until) }));
      if (!rules.actions.includes(use.action)) found.push(breach("cover.action", { instrument: rules.name, action: use.action }));
      const outside = categories(a).length ? use.categories.filter((c) => !categories(a).includes(c)) : [];
      if (outside.length) found.push(breach("cover.scope", { categories: outside.join(",") }));
      if (use.abroadTo !== null) {
        const receiving = a.body.requesting_state || a.body.issuing_state;
        if (!rules.abroad) found.push(breach("cover.abroad", { instrument: rules.name, state: use.abroadTo }));
        else if (use.abroadTo !== receiving) found.push(breach("cover.state", { state: use.abroadTo, requesting: receiving }));
      }
      if (needsValidation(a) && !(a.validation && a.validation.date <= use.at)) {
        if (!a.body.emergency) found.push(breach("cover.unvalidated", { at: utc(use.at), who: who(a) }));
        else if (use.at > a.issued + emergency) found.push(breach("cover.emergency"));
      }
      return found;
    }

    /** [] when one of the authorities, sound and as it stood at use.at, permits the use; else why each fails. */
    function findCover(use, authorities, validity, changes) {
      if (!authorities.length) return [breach("cover.none", { action: use.action })];
      const reasons = [];
      for (const a of authorities) {
        const { state, revoked } = inForce(a, changes(a.id), use.at);
        const problems = validity(a).concat(checkCover(state, use, revoked));
        if (!problems.length) return [];
        reasons.push(breach("cover.authority", { authority: a.id, instrument: a.body.instrument, reference: a.body.reference }, problems));
      }
      return reasons;
    }

    function changeExtension(change, a, earlier) {
      const rules = instruments[a.body.instrument];
      if (!rules.extendable) return [breach("instrument.not_extendable", { instrument: rules.name })];
      const current = inForce(a, earlier, change.at).state;
      const end = change.until !== null ? change.until : current.until;
      const found = [];
      if (change.at > current.until) found.push(breach("change.lapsed", { at: utc(change.at), end: utc(current.until) }));
      if (end <= current.until) found.push(breach("change.not_later", { end: utc(end), current: utc(current.until) }));
      else if (rules.extension_days !== null && end - current.until > rules.extension_days * DAY)
        found.push(breach("instrument.extension_long", { instrument: rules.name, days: days(end - current.until), limit: rules.extension_days }));
      const count = 1 + earlier.filter((e) => e.body.change === "extend").length;
      if (rules.extensions_allowed !== null && count > rules.extensions_allowed)
        found.push(breach("instrument.extensions_max", { instrument: rules.name, count: rules.extensions_allowed }));
      return found;
    }

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
      const found = [];
      if (change.at < a.issued) found.push(breach("change.before_issue", { at: utc(change.at), issued: utc(a.issued) }));
      if (change.at > change.recorded + skew) found.push(breach("change.future", { at: utc(change.at), recorded: utc(change.recorded) }));
      const revocations = earlier.filter((e) => e.body.change === "revoke");
      if (revocations.length) found.push(breach("change.revoked", { at: utc(revocations[0].at) }));
      if (change.body.change === "extend") found.push(...changeExtension(change, a, earlier));
      else if (change.body.change === "validate") found.push(...changeValidation(change, a, earlier));
      return found;
    }

    return { checkAuthority, checkChange, findCover, known: (name) => name in instruments };
  }

  return { Rules, utc };
})();
