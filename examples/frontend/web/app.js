// ticketkit demo frontend: a customer portal and an agent console over the
// httpapi JSON API mounted at api/. Plain JavaScript, no build step.
//
// Every piece of user text reaches the page through textContent (the el
// helper below turns strings into text nodes); nothing here assigns
// innerHTML, so a subject like "<img onerror=...>" shows as typed.
'use strict';

(function () {
  const USER_HEADER = 'X-Demo-User';

  const state = {
    user: null, // the picked demo user: {key, name, email, role}
    users: [],
    catalog: null, // {statuses, priorities, categories} as Maps by code
    ticket: null, // the ticket shown in the detail view
    cursor: '', // next page of the agent's search
  };

  const $ = (id) => document.getElementById(id);

  // el builds an element. props sets plain properties (className, type,
  // value, hidden...) and data-* attributes via props.dataset; children are
  // nodes or strings, and strings always become text nodes.
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    const {dataset, ...rest} = props || {};
    Object.assign(node, rest);
    if (dataset) Object.assign(node.dataset, dataset);
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  // ---- API ---------------------------------------------------------------

  // ApiError is a failed API call with the server's problem document
  // (RFC 9457): detail says what went wrong, code is the catalogue code
  // and errors lists the invalid fields.
  class ApiError extends Error {
    constructor(status, doc) {
      const p = doc || {};
      let msg = p.detail || p.title || ('HTTP ' + status);
      if (Array.isArray(p.errors) && p.errors.length) {
        msg += ': ' + p.errors.map((f) => f.field + ': ' + f.message).join('; ');
      }
      super(msg);
      this.status = status;
      this.code = p.code || '';
      this.type = p.type || '';
    }
  }

  // api calls the JSON API as the picked user. body is a FormData
  // (multipart upload), a plain object (sent as JSON) or undefined.
  async function api(method, path, body) {
    const headers = {Accept: 'application/json, application/problem+json'};
    if (state.user) headers[USER_HEADER] = state.user.key;
    const opts = {method, headers};
    if (body instanceof FormData) {
      opts.body = body;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    const res = await fetch('api' + path, opts);
    if (!res.ok) {
      let doc = null;
      try { doc = await res.json(); } catch (_) { /* not JSON */ }
      throw new ApiError(res.status, doc);
    }
    return res.json();
  }

  const enc = encodeURIComponent;

  // ---- messages to the user -----------------------------------------------

  function flash(text) {
    const f = $('flash');
    f.textContent = text || '';
    f.hidden = !text;
  }

  // run runs an async UI action, showing its error instead of throwing.
  async function run(action) {
    flash('');
    document.body.dataset.busy = String(Number(document.body.dataset.busy || 0) + 1);
    try {
      await action();
    } catch (err) {
      flash(err.message || String(err));
    } finally {
      document.body.dataset.busy = String(Number(document.body.dataset.busy) - 1);
    }
  }

  // ---- catalog labels -------------------------------------------------------

  async function loadCatalog() {
    const c = await api('GET', '/catalog');
    const byCode = (list) => new Map(list.map((x) => [x.code, x]));
    state.catalog = {
      list: c,
      statuses: byCode(c.statuses),
      priorities: byCode(c.priorities),
      categories: byCode(c.categories),
    };
    fillSelect($('open-category'), c.categories, '');
    const status = $('search-status');
    status.replaceChildren(el('option', {value: ''}, 'Any'));
    for (const s of c.statuses) status.append(el('option', {value: s.code}, s.label));
  }

  function fillSelect(select, entries, selected) {
    select.replaceChildren(...entries.map((e) => el('option', {value: e.code, selected: e.code === selected}, e.label)));
  }

  // label returns the catalog label of a code, or the code itself.
  function label(kind, code) {
    const entry = state.catalog && state.catalog[kind].get(code);
    return entry ? entry.label : (code || '');
  }

  // badge shows a status or priority label, in the catalog's colour when
  // it is a plain hex colour, as the catalog's list_display says for its
  // set: the text, the icon (the label as its alternative text) or both.
  function badge(kind, code) {
    const b = el('span', {className: 'badge', dataset: {code: code || ''}});
    const entry = state.catalog && state.catalog[kind].get(code);
    const display = (state.catalog && state.catalog.list.list_display && state.catalog.list.list_display[kind]) || 'text';
    const icon = entry && /^\/icons\/[a-z0-9_-]+\.svg$/.test(entry.icon || '') ? entry.icon : '';
    if (icon && display !== 'text') {
      b.append(el('img', {className: 'icon', src: icon, alt: label(kind, code), title: label(kind, code)}));
    }
    if (!icon || display !== 'image') b.append(label(kind, code));
    paint(b, kind, code);
    return b;
  }

  function paint(node, kind, code) {
    const entry = state.catalog && state.catalog[kind].get(code);
    node.style.removeProperty('--badge');
    if (entry && /^#[0-9a-fA-F]{3,8}$/.test(entry.color || '')) node.style.setProperty('--badge', entry.color);
  }

  const when = (t) => (t ? new Date(t).toLocaleString() : '');

  // who names a message author from the demo user list.
  function who(role, id) {
    const u = state.users.find((x) => x.key === role + ':' + id);
    return u ? u.name : (id || role || 'system');
  }

  // ---- user picker ----------------------------------------------------------

  async function loadUsers() {
    const res = await fetch('demo/users', {headers: {Accept: 'application/json'}});
    if (!res.ok) throw new Error('cannot load the demo users: HTTP ' + res.status);
    state.users = await res.json();
    const picker = $('user');
    picker.replaceChildren(el('option', {value: ''}, '— choose a demo user —'),
      ...state.users.map((u) => el('option', {value: u.key}, u.name + ' (' + u.role + ')')));
    picker.dataset.ready = 'true';
  }

  async function pickUser(key) {
    state.user = state.users.find((u) => u.key === key) || null;
    state.ticket = null;
    for (const id of ['portal', 'console', 'detail', 'open-result']) $(id).hidden = true;
    $('welcome').hidden = !!state.user;
    document.body.dataset.role = state.user ? state.user.role : '';
    if (!state.user) return;
    await loadCatalog();
    if (state.user.role === 'customer') {
      $('portal').hidden = false;
      await loadMyTickets();
    } else {
      $('console').hidden = false;
      await search(false);
    }
  }

  // ---- ticket lists ---------------------------------------------------------

  function ticketLink(t) {
    return el('button', {type: 'button', className: 'link', dataset: {id: t.id, open: 'ticket'},
      onclick: () => run(() => openTicket(t.id))}, t.number);
  }

  async function loadMyTickets() {
    const page = await api('GET', '/tickets?sort=created_at&desc=true&limit=50');
    $('my-tickets').replaceChildren(...page.tickets.map((t) => el('tr', {dataset: {number: t.number}},
      el('td', null, ticketLink(t)),
      el('td', null, t.subject),
      el('td', null, badge('statuses', t.status)),
      el('td', null, when(t.updated_at)))));
    $('my-tickets-empty').hidden = page.tickets.length > 0;
  }

  // search lists tickets for agents, the next page when more is true.
  async function search(more) {
    const q = new URLSearchParams({sort: 'updated_at', desc: 'true', limit: '25'});
    const status = $('search-status').value;
    const text = $('search-q').value.trim();
    if (status) q.set('status', status);
    if (text) q.set('q', text);
    if (more && state.cursor) q.set('cursor', state.cursor);
    const page = await api('GET', '/tickets?' + q.toString());
    const rows = page.tickets.map((t) => el('tr', {dataset: {number: t.number}},
      el('td', null, ticketLink(t)),
      el('td', null, t.subject),
      el('td', null, t.customer && (t.customer.name || t.customer.id)),
      el('td', null, badge('statuses', t.status)),
      el('td', null, badge('priorities', t.priority)),
      el('td', null, when(t.updated_at))));
    if (more) $('ticket-list').append(...rows);
    else $('ticket-list').replaceChildren(...rows);
    // Tell which search the rows answer, for scripts and tests that must
    // not act on the rows of an earlier search.
    if (!more) $('ticket-list').dataset.query = q.toString();
    state.cursor = page.next_cursor || '';
    $('search-more').hidden = !state.cursor;
    $('ticket-list-empty').hidden = $('ticket-list').children.length > 0;
  }

  async function refreshList() {
    if (!state.user) return;
    if (state.user.role === 'customer') await loadMyTickets();
    else await search(false);
  }

  // ---- one ticket -----------------------------------------------------------

  async function openTicket(id) {
    const [t, page] = await Promise.all([
      api('GET', '/tickets/' + enc(id)),
      api('GET', '/tickets/' + enc(id) + '/messages?limit=500'),
    ]);
    state.ticket = t;
    renderTicket(t);
    $('thread').replaceChildren(...page.messages.map(renderMessage));
    $('detail').hidden = false;
  }

  function renderTicket(t) {
    $('ticket-number').textContent = t.number;
    $('ticket-subject').textContent = t.subject;
    const status = $('ticket-status');
    status.textContent = label('statuses', t.status);
    status.dataset.code = t.status;
    paint(status, 'statuses', t.status);
    const priority = $('ticket-priority');
    priority.textContent = label('priorities', t.priority);
    priority.dataset.code = t.priority;
    paint(priority, 'priorities', t.priority);
    $('ticket-category').textContent = label('categories', t.category);
    const c = t.customer || {};
    $('ticket-customer').textContent = [c.name, c.email].filter(Boolean).join(' · ') || c.id || '';
    $('ticket-closure').textContent = t.closure_reason || '—';
    $('ticket-description').textContent = t.description || '';
    const others = state.catalog.list.statuses.filter((s) => s.code !== t.status);
    fillSelect($('status-to'), others, '');
  }

  const kindNames = {customer: 'Customer', reply: 'Reply', note: 'Internal note', system: 'System'};

  function renderMessage(m) {
    return el('li', {className: 'msg kind-' + m.kind, dataset: {kind: m.kind, id: m.id}},
      el('div', {className: 'msg-head'},
        el('span', {className: 'kind'}, kindNames[m.kind] || m.kind),
        ' · ', who(m.author_role, m.author_id), ' · ', when(m.created_at)),
      el('p', {className: 'body'}, m.body),
      m.attachments.length ? el('ul', {className: 'attachments'},
        ...m.attachments.map((a) => el('li', null, el('button', {type: 'button', className: 'link attachment',
          onclick: () => run(() => download(m, a))}, a.name), ' (' + a.size + ' bytes)'))) : null);
  }

  // download fetches an attachment with the user header and saves it; a
  // plain link could not send the header.
  async function download(m, a) {
    const res = await fetch('api/tickets/' + enc(m.ticket_id) + '/messages/' + enc(m.id) + '/attachments/' + enc(a.id),
      {headers: {[USER_HEADER]: state.user.key}});
    if (!res.ok) throw new Error('download failed: HTTP ' + res.status);
    const url = URL.createObjectURL(await res.blob());
    const link = el('a', {href: url, download: a.name});
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // send posts a reply or an internal note, with the picked file if any.
  async function send(kind) {
    const t = state.ticket;
    const body = $('reply-body').value;
    const file = $('reply-file').files[0];
    let payload = {kind, body};
    if (file) {
      payload = new FormData();
      payload.append('kind', kind);
      payload.append('body', body);
      payload.append('attachments', file, file.name);
    }
    await api('POST', '/tickets/' + enc(t.id) + '/messages', payload);
    $('reply-form').reset();
    await openTicket(t.id);
    await refreshList();
  }

  async function changeStatus() {
    const t = state.ticket;
    const body = {to: $('status-to').value, version: t.version};
    const reason = $('status-reason').value.trim();
    if (reason) body.reason = reason;
    try {
      await api('POST', '/tickets/' + enc(t.id) + '/transitions', body);
    } catch (err) {
      if (err.code === 'version_conflict') {
        await openTicket(t.id);
        throw new Error('Someone else changed this ticket; it has been reloaded. Try again.');
      }
      throw err;
    }
    $('status-form').reset();
    await openTicket(t.id);
    await refreshList();
  }

  async function openNew() {
    // The customer's name and email come from the server's own user data.
    const t = await api('POST', '/tickets', {
      subject: $('open-subject').value,
      description: $('open-description').value,
      category: $('open-category').value,
    });
    $('open-form').reset();
    $('open-result').querySelector('.number').textContent = t.number;
    $('open-result').hidden = false;
    await loadMyTickets();
    await openTicket(t.id);
  }

  // ---- wiring ---------------------------------------------------------------

  function init() {
    $('user').addEventListener('change', (e) => run(() => pickUser(e.target.value)));
    $('open-form').addEventListener('submit', (e) => { e.preventDefault(); run(openNew); });
    $('search-form').addEventListener('submit', (e) => { e.preventDefault(); run(() => search(false)); });
    $('search-more').addEventListener('click', () => run(() => search(true)));
    $('reply-form').addEventListener('submit', (e) => { e.preventDefault(); run(() => send('reply')); });
    $('note-send').addEventListener('click', () => run(() => send('note')));
    $('status-form').addEventListener('submit', (e) => { e.preventDefault(); run(changeStatus); });
    $('detail-refresh').addEventListener('click', () => run(async () => {
      if (state.ticket) await openTicket(state.ticket.id);
      await refreshList();
    }));
    $('detail-close').addEventListener('click', () => { state.ticket = null; $('detail').hidden = true; });
    run(loadUsers);
  }

  init();
})();
