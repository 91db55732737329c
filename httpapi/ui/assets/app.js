// ticketkit agent console and customer portal (package httpapi/ui).
// Plain JavaScript, no build step, nothing loaded from another origin:
// it satisfies the handler's Content-Security-Policy (no inline script,
// no inline style attribute; colours are set through the CSSOM).
//
// User text only ever reaches the page as text nodes (the el helper);
// no markup is ever parsed from a string.
'use strict';

(function () {
  const body = document.body;
  const cfg = {
    api: body.dataset.api,
    role: body.dataset.role, // "customer" or "agent"
    lang: body.dataset.lang,
    viewer: body.dataset.viewer,
    icons: body.dataset.icons,
  };
  const staff = cfg.role !== 'customer';
  const PAGE_SIZE = 10;

  const state = {
    t: {}, // UI strings
    catalog: null,
    ticket: null,
    transitions: [],
    cursors: [''], // cursor of each page seen; the last is the current page's
    page: 0,
    openKey: '', // Idempotency-Key of the ticket being opened
    sendKey: '', // and of the message being sent
    noIdempotency: false, // the desk's store keeps no keys
  };

  const $ = (id) => document.getElementById(id);
  const T = (key, ...args) => {
    let s = state.t[key] || key;
    args.forEach((a, i) => { s = s.replace('{' + i + '}', String(a)); });
    return s;
  };

  // el builds an element; strings among children become text nodes.
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    const {dataset, attrs, ...rest} = props || {};
    Object.assign(node, rest);
    if (dataset) Object.assign(node.dataset, dataset);
    if (attrs) for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  // ---- API -------------------------------------------------------------

  // ApiError is a failed call with its RFC 9457 problem document.
  class ApiError extends Error {
    constructor(status, doc) {
      const p = doc || {};
      super(p.detail || p.title || ('HTTP ' + status));
      this.status = status;
      this.code = p.code || '';
      this.fields = Array.isArray(p.errors) ? p.errors : [];
    }
  }

  // newKey returns a fresh Idempotency-Key.
  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  }

  // api calls the JSON API with the host's cookies (same origin), asking
  // for labels in the page's language. key, when given, is sent as the
  // Idempotency-Key (unless the desk's store keeps none).
  async function api(method, path, payload, key) {
    const headers = {Accept: 'application/json, application/problem+json', 'Accept-Language': cfg.lang};
    if (key && !state.noIdempotency) headers['Idempotency-Key'] = key;
    const opts = {method, headers, credentials: 'same-origin'};
    if (payload instanceof FormData) {
      opts.body = payload;
    } else if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(payload);
    }
    const res = await fetch(cfg.api + path, opts);
    if (!res.ok) {
      let doc = null;
      try { doc = await res.json(); } catch (_) { /* not JSON */ }
      if (key && doc && doc.code === 'idempotency_unsupported' && !state.noIdempotency) {
        state.noIdempotency = true;
        return api(method, path, payload);
      }
      throw new ApiError(res.status, doc);
    }
    return res.status === 204 ? null : res.json();
  }
  const enc = encodeURIComponent;

  // ---- messages ---------------------------------------------------------

  function flash(text) {
    $('flash').textContent = text || '';
    $('flash').hidden = !text;
  }
  function announce(text) { $('status-line').textContent = text; }

  // run runs an action, showing a failure next to the form's fields
  // when the problem document names them, else above the page.
  async function run(action, form) {
    // A form waits for its answer: a second submit meanwhile is dropped
    // (its buttons stay enabled, so the keyboard focus stays put).
    if (form && form.getAttribute('aria-busy') === 'true') return;
    if (form) form.setAttribute('aria-busy', 'true');
    flash('');
    if (form) clearErrors(form);
    body.dataset.busy = String(Number(body.dataset.busy) + 1);
    try {
      await action();
    } catch (err) {
      if (form && err instanceof ApiError) showErrors(form, err);
      else if (err instanceof TypeError) flash(T('network_error')); // fetch failed or was cut short
      else flash(err.message || String(err));
    } finally {
      // renders counts the finished actions, for scripts and tests
      // that wait for the page to settle after they act.
      body.dataset.renders = String(Number(body.dataset.renders || 0) + 1);
      body.dataset.busy = String(Number(body.dataset.busy) - 1);
      if (form) form.removeAttribute('aria-busy');
    }
  }

  function clearErrors(form) {
    for (const p of form.querySelectorAll('.error')) { p.textContent = ''; p.hidden = true; }
    for (const i of form.querySelectorAll('[aria-invalid]')) {
      i.removeAttribute('aria-invalid');
      i.removeAttribute('aria-describedby');
    }
  }

  // fieldFor finds the form field a problem's field path names: the
  // path itself, or its head ("references[0].id" is "references").
  function fieldFor(form, name) {
    const heads = [name, name.split(/[.[]/)[0]];
    for (const h of heads) {
      const f = [...form.querySelectorAll('[data-field]')].find((x) => x.dataset.field === h && !x.hidden &&
        getComputedStyle(x).display !== 'none');
      if (f) return f;
    }
    return null;
  }

  // ruleText says a field error in the page's language when the UI knows
  // its rule, else in the server's words.
  function ruleText(e) {
    const key = 'rule_' + (e.rule || '');
    return state.t[key] || e.message || e.rule || '';
  }

  function showErrors(form, err) {
    const general = [];
    let first = null;
    for (const e of err.fields) {
      const f = fieldFor(form, e.field || '');
      if (!f) { general.push((e.field ? e.field + ': ' : '') + ruleText(e)); continue; }
      const input = f.querySelector('input, select, textarea');
      let p = f.querySelector('.error');
      if (!p) {
        p = el('p', {className: 'error', id: input.id + '-error'});
        f.append(p);
      }
      p.textContent = (p.textContent ? p.textContent + ' ' : '') + ruleText(e);
      p.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', p.id);
      first = first || input;
    }
    const box = form.querySelector('.form-error');
    const msg = general.length ? general.join('; ') : (first ? '' : err.message);
    if (box && msg) { box.textContent = msg; box.hidden = false; }
    else if (msg) flash(msg);
    if (first) first.focus();
    else if (box && msg) { box.tabIndex = -1; box.focus(); }
  }

  // ---- catalog, badges ---------------------------------------------------

  // The colour a badge gets when the catalog gives none: statuses by
  // their category, priorities by their rank. (A catalog that lists a
  // set with icons has one on every entry: ticket.NewCatalog checks.)
  const statusDefaults = {new: '#1565c0', open: '#6a1b9a', pending: '#8a5300', resolved: '#2e7d32', closed: '#546e7a'};
  const priorityDefaults = ['#546e7a', '#1565c0', '#b45309', '#c62828'];

  async function loadCatalog() {
    const c = await api('GET', '/catalog');
    const by = (list) => new Map((list || []).map((x) => [x.code, x]));
    state.catalog = {raw: c, statuses: by(c.statuses), priorities: by(c.priorities),
      categories: by(c.categories), departments: by(c.departments)};
    const opts = (list, any) => [any ? el('option', {value: ''}, T('any')) : null,
      ...(list || []).map((x) => el('option', {value: x.code}, x.label))].filter(Boolean);
    $('open-category').replaceChildren(...opts(c.categories, false));
    const def = (c.priorities || []).find((p) => p.default);
    $('open-priority').replaceChildren(...opts(c.priorities, false));
    if (def) $('open-priority').value = def.code;
    $('f-status').replaceChildren(...opts(c.statuses, true));
    $('f-priority').replaceChildren(...opts(c.priorities, true));
    $('f-department').replaceChildren(...opts(c.departments, true));
  }

  function entry(kind, code) { return state.catalog && state.catalog[kind].get(code); }
  function label(kind, code) { const e = entry(kind, code); return e ? e.label : (code || ''); }

  function looks(kind, code) {
    const e = entry(kind, code) || {};
    let d = null;
    if (kind === 'statuses') d = statusDefaults[e.category];
    if (kind === 'priorities' && state.catalog) {
      const n = state.catalog.raw.priorities.length;
      const i = Math.min(3, Math.round((e.rank || 0) * 3 / Math.max(1, n - 1)));
      d = priorityDefaults[i];
    }
    const color = /^#[0-9a-fA-F]{3,8}$/.test(e.color || '') ? e.color : (d || '');
    let icon = '';
    if (/^[a-z0-9-]{1,40}$/.test(e.icon || '')) icon = cfg.icons + e.icon + '.svg';
    else if (/^\/[A-Za-z0-9/_.-]+\.(svg|png)$/.test(e.icon || '') && !(e.icon || '').includes('..')) icon = e.icon;
    return {color, icon};
  }

  // badge shows a status or priority: coloured, with its icon (decorative:
  // the label is always written) unless the catalog lists it as text only.
  function badge(kind, code) {
    const b = el('span', {className: 'badge badge-' + kind, dataset: {code: code || ''}});
    const {color, icon} = looks(kind, code);
    const display = (state.catalog && state.catalog.raw.list_display && state.catalog.raw.list_display[kind]) || 'text';
    if (icon && display !== 'text') b.append(el('img', {className: 'icon', src: icon, alt: ''}));
    b.append(el('span', null, label(kind, code)));
    if (color) b.style.setProperty('--badge', color);
    return b;
  }

  const fmt = (t) => (t ? new Date(t).toLocaleString(cfg.lang, {dateStyle: 'medium', timeStyle: 'short'}) : '');
  const zero = (t) => !t || t.startsWith('0001-');

  // slaBadges shows the SLA: breached targets, else the next due time
  // (overdue once it passed).
  function slaBadges(t) {
    const s = t.sla || {};
    const out = [];
    if (Array.isArray(s.breached) && s.breached.length) {
      out.push(el('span', {className: 'badge sla sla-breached', dataset: {sla: 'breached'}}, T('sla_breached')));
      return out;
    }
    const open = !zero(s.resolved_at) ? [] : [s.first_response_at && !zero(s.first_response_at) ? null : s.first_response_due,
      s.next_response_due, s.resolution_due].filter((x) => !zero(x));
    if (s.paused || !open.length) return out;
    const due = open.sort((a, b) => new Date(a) - new Date(b))[0];
    const late = new Date(due) < new Date();
    out.push(el('span', {className: 'badge sla ' + (late ? 'sla-breached' : 'sla-due'), dataset: {sla: late ? 'overdue' : 'due'}},
      T(late ? 'sla_overdue' : 'sla_due', fmt(due))));
    return out;
  }

  // ---- unread markers (agents) --------------------------------------------

  // An agent's read marks live in this browser: a ticket is unread when
  // it changed after the agent last opened it here, or never was.
  const seenKey = 'ticketkit.seen.' + cfg.viewer;
  function seen() {
    try { return JSON.parse(localStorage.getItem(seenKey) || '{}'); } catch (_) { return {}; }
  }
  function markSeen(t) {
    const s = seen();
    s[t.id] = t.updated_at;
    const ids = Object.keys(s);
    if (ids.length > 2000) delete s[ids[0]];
    try { localStorage.setItem(seenKey, JSON.stringify(s)); } catch (_) { /* full or off */ }
  }
  function unread(t) {
    const at = seen()[t.id];
    return !at || new Date(t.updated_at) > new Date(at);
  }

  // ---- lists ----------------------------------------------------------------

  function card(t) {
    const isUnread = staff && unread(t);
    const li = el('li', {className: 'card' + (isUnread ? ' unread' : ''), dataset: {number: t.number, id: t.id}});
    const link = el('a', {href: '#/tickets/' + enc(t.id), className: 'card-link'}, t.number);
    const head = el('p', {className: 'card-head'}, link,
      isUnread ? el('span', {className: 'unread-dot', dataset: {unread: 'true'}}, T('unread')) : null);
    const refs = (t.references || []).filter((r) => r.kind === 'order').map((r) => r.id);
    li.append(head,
      el('p', {className: 'card-subject'}, t.subject),
      el('p', {className: 'badges'}, badge('statuses', t.status), ' ', badge('priorities', t.priority), ' ', ...slaBadges(t)),
      el('p', {className: 'note'},
        staff && t.customer ? (t.customer.name || t.customer.id) + ' · ' : '',
        refs.length ? T('order_short', refs.join(', ')) + ' · ' : '',
        T('updated', fmt(t.updated_at))));
    return li;
  }

  // filterQuery builds the list's query from the filter form.
  function filterQuery() {
    const q = new URLSearchParams({sort: 'updated_at', desc: 'true', limit: String(PAGE_SIZE)});
    if (!staff) return q;
    const set = (name, v) => { if (v) q.set(name, v); };
    set('status', $('f-status').value);
    set('priority', $('f-priority').value);
    set('department', $('f-department').value);
    set('assignee', $('f-assignee').value.trim());
    const day = (v, end) => {
      if (!v) return '';
      const d = new Date(v + 'T00:00:00');
      if (end) d.setDate(d.getDate() + 1);
      return d.toISOString();
    };
    set('created_from', day($('f-from').value, false));
    set('created_to', day($('f-to').value, true));
    const order = $('f-order').value.trim();
    if (order) q.set('ref', 'order:' + order);
    set('q', $('f-q').value.trim());
    return q;
  }

  async function loadList() {
    const q = filterQuery();
    const cursor = state.cursors[state.page];
    if (cursor) q.set('cursor', cursor);
    const page = await api('GET', '/tickets?' + q.toString());
    $('tickets').replaceChildren(...page.tickets.map(card));
    $('tickets').dataset.query = q.toString();
    $('tickets-empty').hidden = page.tickets.length > 0;
    state.cursors = state.cursors.slice(0, state.page + 1);
    if (page.next_cursor) state.cursors.push(page.next_cursor);
    $('page-prev').disabled = state.page === 0;
    $('page-next').disabled = !page.next_cursor;
    $('page-no').textContent = T('page_n', state.page + 1);
    announce(T('n_tickets', page.tickets.length));
  }

  async function newSearch() {
    state.page = 0;
    state.cursors = [''];
    await loadList();
  }

  // ---- one ticket -----------------------------------------------------------

  async function showTicket(id) {
    const [t, msgs, trs] = await Promise.all([
      api('GET', '/tickets/' + enc(id)),
      api('GET', '/tickets/' + enc(id) + '/messages?limit=200'),
      api('GET', '/tickets/' + enc(id) + '/transitions'),
    ]);
    state.ticket = t;
    state.transitions = trs.transitions || [];
    renderTicket(t);
    $('thread').replaceChildren(...msgs.messages.map(renderMessage));
    renderTransitions();
    if (staff) markSeen(t);
    await loadOthers(t);
  }

  function renderTicket(t) {
    $('ticket-number').textContent = t.number;
    $('ticket-subject').textContent = t.subject;
    $('ticket-status').replaceChildren(badge('statuses', t.status));
    $('ticket-priority').replaceChildren(badge('priorities', t.priority));
    const sla = slaBadges(t);
    $('ticket-sla').replaceChildren(...(sla.length ? sla : ['—']));
    $('ticket-category').textContent = label('categories', t.category) || '—';
    $('ticket-department').textContent = t.department ? label('departments', t.department) : '—';
    $('ticket-assignee').textContent = t.assignee || '—';
    const c = t.customer || {};
    $('ticket-customer').textContent = [c.name, c.email, c.id].filter(Boolean).join(' · ') || '—';
    $('ticket-refs').textContent = (t.references || []).map((r) => (r.kind === 'order' ? '' : r.kind + ' ') + r.id).join(', ') || '—';
    $('ticket-created').textContent = fmt(t.created_at);
    $('ticket-closure').textContent = t.closure_reason || '—';
    $('ticket-description').textContent = t.description || '';
    document.title = t.number + ' · ' + document.querySelector('.brand').textContent;
  }

  function renderTransitions() {
    const form = $('status-form');
    form.hidden = state.transitions.length === 0;
    $('status-to').replaceChildren(...state.transitions.map((tr) =>
      el('option', {value: tr.to, dataset: {reason: tr.requires_reason ? 'true' : ''}}, label('statuses', tr.to))));
    syncReason();
  }

  // syncReason shows the reason field only when the chosen change needs one.
  function syncReason() {
    const tr = state.transitions.find((x) => x.to === $('status-to').value);
    const need = !!(tr && tr.requires_reason);
    $('reason-field').hidden = !need;
    $('status-reason').required = need;
    $('status-reason').setAttribute('aria-required', String(need));
  }

  function renderMessage(m) {
    const c = (state.ticket && state.ticket.customer) || {};
    let who = m.author_name;
    if (!who && m.author_role === 'customer') who = c.name || T('customer');
    if (!who && m.author_role) who = staff && m.author_id ? m.author_id : T('staff');
    who = who || T('system');
    return el('li', {className: 'msg kind-' + m.kind, dataset: {kind: m.kind, id: m.id}},
      el('p', {className: 'msg-head'},
        el('strong', null, state.t['kind_' + m.kind] || m.kind), ' · ', who, ' · ', fmt(m.created_at)),
      el('p', {className: 'body'}, m.body),
      (m.attachments || []).length ? el('ul', {className: 'attachments'},
        ...m.attachments.map((a) => el('li', null,
          el('a', {href: cfg.api + '/tickets/' + enc(m.ticket_id) + '/messages/' + enc(m.id) + '/attachments/' + enc(a.id),
            download: a.name}, a.name), ' (' + T('bytes', a.size) + ')'))) : null);
  }

  // loadOthers lists the customer's other tickets.
  async function loadOthers(t) {
    const q = new URLSearchParams({sort: 'updated_at', desc: 'true', limit: '10'});
    if (staff) {
      if (!t.customer || !t.customer.id) {
        $('others').replaceChildren();
        $('others-empty').hidden = false;
        return;
      }
      q.set('customer_id', t.customer.id);
    }
    const page = await api('GET', '/tickets?' + q.toString());
    const others = page.tickets.filter((x) => x.id !== t.id);
    $('others').replaceChildren(...others.map(card));
    $('others-empty').hidden = others.length > 0;
  }

  // ---- actions ----------------------------------------------------------------

  function addFiles(fd, input) {
    for (const f of input.files) fd.append('attachments', f, f.name);
  }

  async function openNew() {
    const fd = new FormData();
    const add = (k, v) => { if (v) fd.append(k, v); };
    add('subject', $('open-subject').value.trim());
    add('category', $('open-category').value);
    add('message', $('open-message').value);
    const order = $('open-order').value.trim();
    if (order) fd.append('references', JSON.stringify([{kind: 'order', id: order}]));
    if (staff) {
      add('priority', $('open-priority').value);
      const id = $('open-customer-id').value.trim();
      const name = $('open-customer-name').value.trim();
      if (id || name) fd.append('customer', JSON.stringify({id, name}));
    }
    addFiles(fd, $('open-files'));
    // One key per ticket the shopper means to open: a retry after the
    // network failed reuses it, so a lost answer never opens two
    // tickets; any answer ends it.
    state.openKey = state.openKey || newKey();
    let t;
    try {
      t = await api('POST', '/tickets', fd, state.openKey);
      state.openKey = '';
    } catch (err) {
      if (err instanceof ApiError) state.openKey = '';
      throw err;
    }
    $('open-form').reset();
    if (staff) $('open-priority').value = ((state.catalog.raw.priorities || []).find((p) => p.default) || {}).code || '';
    $('open-result').replaceChildren(T('opened', t.number), ' ', el('a', {href: '#/tickets/' + enc(t.id)}, T('view_ticket')));
    $('open-result').hidden = false;
    announce(T('opened', t.number));
    await newSearch();
  }

  async function send(kind) {
    const t = state.ticket;
    const fd = new FormData();
    fd.append('kind', kind);
    fd.append('body', $('reply-body').value);
    addFiles(fd, $('reply-files'));
    state.sendKey = state.sendKey || newKey();
    try {
      await api('POST', '/tickets/' + enc(t.id) + '/messages', fd, state.sendKey);
      state.sendKey = '';
    } catch (err) {
      if (err instanceof ApiError) state.sendKey = '';
      throw err;
    }
    $('reply-form').reset();
    await showTicket(t.id);
    announce(T(kind === 'note' ? 'note_added' : 'reply_sent'));
  }

  async function changeStatus() {
    const t = state.ticket;
    const payload = {to: $('status-to').value, version: t.version};
    const reason = $('status-reason').value.trim();
    if (reason) payload.reason = reason;
    try {
      await api('POST', '/tickets/' + enc(t.id) + '/transitions', payload);
    } catch (err) {
      if (err.code === 'version_conflict' || err.status === 412) {
        await showTicket(t.id);
        throw new Error(T('conflict'));
      }
      throw err;
    }
    $('status-form').reset();
    await showTicket(t.id);
    announce(T('status_changed', label('statuses', state.ticket.status)));
  }

  // ---- routing ------------------------------------------------------------------

  async function route() {
    const m = /^#\/tickets\/([^/]+)$/.exec(location.hash);
    if (m) {
      $('list-view').hidden = true;
      $('detail-view').hidden = false;
      await showTicket(decodeURIComponent(m[1]));
      $('ticket-title').focus();
      return;
    }
    state.ticket = null;
    document.title = document.querySelector('.brand').textContent;
    $('detail-view').hidden = true;
    $('list-view').hidden = false;
    await loadList();
  }

  // ---- wiring ---------------------------------------------------------------------

  async function start() {
    const res = await fetch(body.dataset.strings, {credentials: 'same-origin'});
    if (res.ok) state.t = await res.json();
    await loadCatalog();
    await route();
    body.dataset.ready = 'true';
  }

  function init() {
    // On a phone the filters start folded, so the queue shows first.
    if (window.matchMedia('(max-width: 40rem)').matches) $('filter-box').open = false;
    window.addEventListener('hashchange', () => run(route));
    // The skip link moves the focus without touching the route (#/...).
    document.querySelector('a.skip').addEventListener('click', (e) => { e.preventDefault(); $('main').focus(); });
    $('open-form').addEventListener('submit', (e) => { e.preventDefault(); run(openNew, $('open-form')); });
    $('filter-form').addEventListener('submit', (e) => { e.preventDefault(); run(newSearch, $('filter-form')); });
    $('filter-form').addEventListener('reset', () => setTimeout(() => run(newSearch, $('filter-form')), 0));
    $('page-prev').addEventListener('click', () => run(async () => { state.page--; await loadList(); }));
    $('page-next').addEventListener('click', () => run(async () => { state.page++; await loadList(); }));
    $('reply-form').addEventListener('submit', (e) => { e.preventDefault(); run(() => send('reply'), $('reply-form')); });
    $('note-send').addEventListener('click', () => run(() => send('note'), $('reply-form')));
    $('status-to').addEventListener('change', syncReason);
    $('status-form').addEventListener('submit', (e) => { e.preventDefault(); run(changeStatus, $('status-form')); });
    run(start);
  }

  init();
})();
