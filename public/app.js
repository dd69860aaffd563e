// The "who said this?" page: it only calls the public API, with the key the user gives it.
const $ = (id) => document.getElementById(id);
const KEY_STORE = 'whosaid.key';
let nextCursor = null;
let lastQuery = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, v);
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

function actorLabel(a) {
  return a.name ?? a.description ?? `actor ${a.id}`;
}

function showMessage(text, kind = 'error') {
  const m = $('message');
  m.textContent = text;
  m.className = kind === 'info' ? 'info' : '';
  m.hidden = !text;
}

async function api(path) {
  const key = sessionStorage.getItem(KEY_STORE);
  const res = await fetch(path, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const fields = body?.errors?.map((e) => `${e.pointer.replace(/^\//, '')} ${e.message}`).join('; ');
    throw new Error(`${body?.title ?? res.statusText}: ${fields || body?.detail || res.status}`);
  }
  return body;
}

/** The snippet with its highlights as <mark>, built from text nodes: nothing from the server is parsed as HTML. */
function snippet(s) {
  const q = el('blockquote');
  let at = 0;
  for (const h of [...s.highlights].sort((a, b) => a.start - b.start)) {
    if (h.start < at) continue;
    q.append(s.text.slice(at, h.start), el('mark', {}, s.text.slice(h.start, h.end)));
    at = h.end;
  }
  q.append(s.text.slice(at));
  return q;
}

/** Every path from the speaker to a page, flattened from the hop tree. */
function paths(hops, prefix = []) {
  return hops.flatMap((h) => (h.hops.length ? paths(h.hops, [...prefix, h]) : [[...prefix, h]]));
}

function renderHit(hit) {
  const s = hit.statement;
  const who = el(
    'p',
    {},
    el('span', { class: 'who' }, actorLabel(hit.speaker)),
    el('span', { class: `badge ${hit.speaker.identityStatus}` }, hit.speaker.identityStatus),
    hit.speaker.actsFor ? ` for ${actorLabel(hit.speaker.actsFor)}` : null,
    ...s.circumstances.map((c) => el('span', { class: 'badge circ' }, c.replace(/_/g, ' '))),
    el('span', { class: 'muted' }, ` · ${s.textForm}, ${s.kind.replace(/_/g, ' ')}${s.saidOn ? `, ${s.saidOn}` : ''}`),
    hit.mediumPublisher
      ? el('span', { class: 'muted' }, ` · ${s.medium ?? 'medium'} published by ${actorLabel(hit.mediumPublisher)}`)
      : null,
  );
  const chains = paths(hit.hops).map((path) =>
    el(
      'ol',
      { class: 'chain', 'aria-label': 'how it travelled' },
      el('li', {}, actorLabel(hit.speaker)),
      ...path.map((h) =>
        el(
          'li',
          {},
          h.depth === 1 && !h.firstHand ? '? ' : '',
          el('strong', {}, actorLabel(h.relayedBy)),
          h.cue ? el('span', { class: 'cue' }, ` “${h.cue}”`) : el('span', { class: 'cue' }, ' (no cue)'),
          h.document ? el('span', { class: 'muted' }, ' in ', el('cite', {}, h.document.title)) : null,
        ),
      ),
    ),
  );
  const claims = hit.claims.length
    ? el(
        'ul',
        { class: 'claims' },
        hit.claims.map((c) =>
          el(
            'li',
            {},
            `${c.stance.replace(/_/g, ' ')}: ${c.text}`,
            c.verdict ? el('span', { class: 'muted' }, ` (verdict: ${c.verdict.rating.replace(/_/g, ' ')})`) : null,
          ),
        ),
      )
    : null;
  return el(
    'li',
    { class: 'hit' },
    snippet(hit.snippet),
    who,
    chains.length ? chains : el('p', { class: 'muted' }, 'No recorded hops.'),
    claims,
  );
}

async function search(append) {
  const params = new URLSearchParams(lastQuery);
  if (append && nextCursor) params.set('cursor', nextCursor);
  try {
    showMessage('');
    const page = await api(`/v1/search?${params}`);
    if (!append) $('results').replaceChildren();
    $('results').append(...page.items.map(renderHit));
    nextCursor = page.nextCursor;
    $('more').hidden = !nextCursor;
    if (!append && page.items.length === 0) showMessage('Nobody on record said that. Try fewer words, or a distinctive phrase.', 'info');
  } catch (e) {
    showMessage(e.message);
  }
}

$('search-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  lastQuery = Object.fromEntries([...form].filter(([, v]) => String(v).trim() !== ''));
  search(false);
});
$('more').addEventListener('click', () => search(true));
$('key-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const key = $('key').value.trim();
  if (key) sessionStorage.setItem(KEY_STORE, key);
  else sessionStorage.removeItem(KEY_STORE);
  $('key').value = '';
  $('key-state').textContent = key ? 'key set for this tab' : 'no key';
});
$('key-state').textContent = sessionStorage.getItem(KEY_STORE) ? 'key set for this tab' : 'no key';
