// The graphd dashboard: counts, a timeline, the top speakers, venues and
// outlets of a date range, a live feed of new quotations over a GraphQL
// subscription (graphql-transport-ws), full-text search with filters, and
// a page per speaker. Everything comes from the server it is served by.
import { createClient } from 'graphql-ws/client';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './dashboard.css';

const endpoint = new URL('graphql', location.href).href;
const wsEndpoint = endpoint.replace(/^http/, 'ws');

// gql runs a query and returns its data; GraphQL errors throw.
async function gql(query, variables = {}) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors && body.errors.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}

// h builds an element: h('a', {href: '#'}, 'text', child…). Text is always
// text, never markup.
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const $ = (id) => document.getElementById(id);
const fmt = new Intl.NumberFormat('en');

// A range is {key, label, from, to}; from and to are ISO dates or null.
let ranges = [];
let range = { key: 'all', label: 'All time', from: null, to: null };

const QUOTE = `id text kind cueKind confidence published
  speaker { id name } venue { name kind } article { title url outlet published }`;

// highlighter returns a function that marks the words of a search in a
// text: words beginning like a searched word (stems, prefixes).
function highlighter(search) {
  const words = (search || '')
    .replace(/(^|\s)-("[^"]*"|\S+)/g, ' ')
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu) || [];
  const stems = [...new Set(words.filter((w) => !STOP.has(w)).map((w) => w.slice(0, Math.max(3, w.length - 2))))];
  if (!stems.length) return (text) => [text];
  const re = new RegExp(`(${stems.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})[\\p{L}\\p{N}]*`, 'giu');
  return (text) => {
    const out = [];
    let last = 0;
    for (const m of text.matchAll(re)) {
      if (m.index > 0 && /[\p{L}\p{N}]/u.test(text[m.index - 1])) continue;
      out.push(text.slice(last, m.index), h('mark', {}, m[0]));
      last = m.index + m[0].length;
    }
    out.push(text.slice(last));
    return out;
  };
}
const STOP = new Set(['the', 'a', 'an', 'of', 'and', 'or', 'to', 'in', 'on', 'is', 'are', 'was', 'it', 'that', 'for', 'we', 'i']);

// quoteItem renders a quotation.
function quoteItem(q, mark = (t) => [t], isNew = false) {
  const a = q.article || {};
  return h('li', { class: isNew ? 'new' : null, 'data-id': q.id },
    h('blockquote', {}, '“', mark(q.text), '”'),
    h('div', { class: 'meta' },
      q.speaker ? h('a', { class: 'speaker', href: `#/speaker/${q.speaker.id}` }, q.speaker.name) : h('span', { class: 'speaker' }, 'unknown speaker'),
      q.venue ? h('span', { class: 'venue' }, q.venue.name) : null,
      a.outlet ? h('span', { class: 'outlet' }, a.outlet) : null,
      h('time', {}, q.published ? q.published.slice(0, 10) : 'undated'),
      h('span', { class: `badge ${q.kind}` }, q.kind),
      q.cueKind === 'stance' ? h('span', { class: 'badge stance', title: 'a belief, an intention or a position the article reports, not words said' }, 'stance') : null,
      h('span', { class: 'badge', title: 'confidence' }, q.confidence.toFixed(2)),
    ));
}

function bars(el, buckets, link) {
  el.replaceChildren();
  if (!buckets.length) {
    el.append(h('li', { class: 'empty' }, 'nothing in this range'));
    return;
  }
  const top = buckets[0].count;
  for (const b of buckets) {
    el.append(h('li', {},
      link ? h('a', { class: 'name', href: link(b), title: b.label }, b.label) : h('span', { class: 'name', title: b.label }, b.label),
      h('span', { class: 'count' }, fmt.format(b.count)),
      h('span', { class: 'bar' }, h('i', { style: `width:${Math.max(2, (100 * b.count) / top)}%` }))));
  }
}

// interval picks the bucket width for a span of days.
function interval(days) {
  if (days > 730) return 'MONTH';
  if (days > 120) return 'WEEK';
  return 'DAY';
}

const DAY_S = 86400;

// bucketEnd is the start of the bucket after the one starting at t
// (seconds, UTC) for interval iv.
function bucketEnd(t, iv) {
  if (iv === 'DAY') return t + DAY_S;
  if (iv === 'WEEK') return t + 7 * DAY_S;
  const d = new Date(t * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000;
}

// bucketStart is the start of the bucket before the one starting at t.
function bucketBefore(t, iv) {
  if (iv === 'DAY') return t - DAY_S;
  if (iv === 'WEEK') return t - 7 * DAY_S;
  const d = new Date(t * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1) / 1000;
}

// MIN_BUCKETS is the fewest buckets a chart spans: a store of one day is
// drawn as a week around that day, not as a lone bar on an axis of years.
const MIN_BUCKETS = { DAY: 7, WEEK: 8, MONTH: 6 };

// series turns timeline points into the x (seconds, UTC) and y arrays of
// a chart, padded with empty buckets on both sides up to MIN_BUCKETS,
// and the x range the chart shows: from the first bucket's start to the
// last bucket's end, so that the last bar is drawn whole.
function series(points, iv) {
  const xs = points.map((p) => Date.parse(p.start + 'T00:00:00Z') / 1000);
  const ys = points.map((p) => p.count);
  for (let left = true; xs.length < MIN_BUCKETS[iv]; left = !left) {
    if (left) {
      xs.unshift(bucketBefore(xs[0], iv));
      ys.unshift(0);
    } else {
      xs.push(bucketEnd(xs[xs.length - 1], iv));
      ys.push(0);
    }
  }
  return { xs, ys, min: xs[0], max: bucketEnd(xs[xs.length - 1], iv) };
}

// TICKS are the steps of the time axis: a day at least, since no bucket
// is shorter (uPlot counts a month as 30 days and a year as 365, and
// puts their ticks on the first of a month or year).
const TICKS = [1, 2, 3, 4, 5, 7, 15, 30, 60, 90, 180, 365, 730, 1825, 3650].map((d) => d * DAY_S);

const charts = new Map();

// chart draws a timeline of interval iv into el: a bar for every bucket,
// each from its start to near its end, on a UTC time axis that spans
// exactly the buckets. empty is what to say when there is no bucket.
function chart(el, points, label, iv, empty) {
  charts.get(el)?.destroy();
  charts.delete(el);
  el.replaceChildren();
  for (const k of ['from', 'to', 'interval']) delete el.dataset[k];
  if (!points.length) {
    el.append(h('p', { class: 'empty' }, empty || 'no dated statements in this range'));
    return;
  }
  const { xs, ys, min, max } = series(points, iv);
  const width = Math.max(300, el.clientWidth);
  const opts = {
    width,
    height: 220,
    padding: [8, 12, 0, 0],
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
    cursor: { drag: { x: false, y: false } },
    legend: { show: false },
    scales: {
      x: { time: true, range: () => [min, max] },
      y: { range: (u, lo, hi) => [0, Math.max(1, hi) * 1.1] },
    },
    axes: [
      { stroke: '#6b7385', grid: { stroke: '#eef0f4' }, ticks: { stroke: '#e3e6ec' }, incrs: TICKS },
      { stroke: '#6b7385', grid: { stroke: '#eef0f4' }, ticks: { stroke: '#e3e6ec' }, size: 48 },
    ],
    series: [
      {},
      {
        label,
        stroke: '#3056d3',
        fill: 'rgba(48, 86, 211, 0.55)',
        width: 1,
        paths: uPlot.paths.bars({ size: [0.8, 80], align: 1 }),
        points: { show: false },
      },
    ],
  };
  // An empty bucket draws nothing, not a bar of height 0.
  const u = new uPlot(opts, [xs, ys.map((y) => y || null)], el);
  charts.set(el, u);
  const day = (t) => new Date(t * 1000).toISOString().slice(0, 10);
  el.dataset.from = day(min);
  el.dataset.to = day(max - 1); // the last day the axis spans
  el.dataset.interval = iv;
  // What the chart draws, for screen readers and for checking.
  el.append(h('table', { class: 'sr-only', 'aria-label': `${label} by ${iv.toLowerCase()}` },
    h('tbody', {}, points.map((p) => h('tr', {}, h('td', {}, p.start), h('td', {}, String(p.count)))))));
}

function rangeVars() {
  return { from: range.from, to: range.to };
}

// loadRanges offers All time, each year with statements, and the latest
// 30 days of data. The range shown stays chosen when the ranges are read
// again, and moves with them (the latest 30 days move with new data).
async function loadRanges() {
  const data = await gql(`{ timeline(interval: MONTH) { start count } }`);
  const months = data.timeline.filter((p) => p.count > 0);
  ranges = [{ key: 'all', label: 'All time', from: null, to: null }];
  if (months.length) {
    const years = [...new Set(months.map((p) => p.start.slice(0, 4)))].sort().reverse();
    for (const y of years) ranges.push({ key: y, label: y, from: `${y}-01-01`, to: `${y}-12-31` });
    const last = months[months.length - 1].start;
    const lastMonth = await gql(`query($from: String) { timeline(interval: DAY, from: $from) { start count } }`, { from: last });
    const days = lastMonth.timeline.filter((p) => p.count > 0);
    if (days.length) {
      const end = days[days.length - 1].start;
      const start = new Date(Date.parse(end + 'T00:00:00Z') - 29 * 86400e3).toISOString().slice(0, 10);
      ranges.push({ key: 'latest', label: 'Latest 30 days', from: start, to: end });
    }
  }
  if (range.key !== 'custom') range = ranges.find((r) => r.key === range.key) || ranges[0];
  const nav = $('ranges');
  nav.replaceChildren(...ranges.map((r) => h('button', {
    type: 'button', 'data-range': r.key, 'aria-pressed': String(r.key === range.key),
    onclick: () => setRange(r),
  }, r.label)));
}

async function setRange(r) {
  range = r;
  for (const b of $('ranges').children) b.setAttribute('aria-pressed', String(b.dataset.range === r.key));
  $('range-from').value = r.from || '';
  $('range-to').value = r.to || '';
  if (!$('speaker-page').hidden && speakerShown) await showSpeaker(speakerShown);
  await Promise.all([loadOverview(), runSearch()]);
}

// The words of the counts, as the README defines them: a statement is
// one thing said, however often printed; a printing, its occurrence in
// one article; a person, one speaker whatever the names; a name, each
// name articles gave a speaker.
function plural(n, one, many) {
  return n === 1 ? one : many;
}

let overviewSeq = 0;
async function loadOverview() {
  const seq = ++overviewSeq;
  const v = rangeVars();
  const q = `query($from: String, $to: String) {
    counts { printings people names articles outlets }
    stats {
      total(from: $from, to: $to)
      undated
      speakers: quotesBy(field: SPEAKER, from: $from, to: $to, first: 8) { key label count }
      venues: quotesBy(field: VENUE, from: $from, to: $to, first: 8) { key label count }
      outlets: quotesBy(field: OUTLET, from: $from, to: $to, first: 8) { key label count }
      kinds: quotesBy(field: KIND, from: $from, to: $to) { label count }
    }
    span: timeline(interval: MONTH, from: $from, to: $to) { start }
  }`;
  const data = await gql(q, v);
  const s = data.stats;
  const months = data.span.length;
  const iv = interval(months * 30.4);
  const tl = await gql(`query($from: String, $to: String, $iv: Interval) { timeline(interval: $iv, from: $from, to: $to) { start count } }`, { ...v, iv });
  if (seq !== overviewSeq) return; // a later load is on its way
  const kinds = Object.fromEntries(s.kinds.map((k) => [k.label, k.count]));
  const c = data.counts;
  const stat = (key, n, word, cls, title) => h('div', { class: cls, 'data-stat': key, title },
    h('b', {}, fmt.format(n)), h('span', {}, word));
  const allTime = !range.from && !range.to;
  $('totals').replaceChildren(...[
    h('div', { class: 'range-label' }, h('b', {}, range.label), h('span', {}, range.from ? `${range.from} – ${range.to}` : 'every statement')),
    stat('statements', s.total, plural(s.total, 'statement', 'statements'), null, 'Things said, each counted once however often printed, on the day first printed'),
    stat('direct', kinds.direct || 0, 'direct'),
    stat('partial', kinds.partial || 0, 'partial'),
    stat('indirect', kinds.indirect || 0, 'indirect'),
    allTime && s.undated ? stat('undated', s.undated, 'undated', null, 'Statements whose article gives no date: in all-time counts, in no timeline') : null,
    h('span', { class: 'sep' }),
    stat('printings', c.printings, `${plural(c.printings, 'printing', 'printings')} in all`, 'store', 'Occurrences of statements, one per article that printed it'),
    stat('people', c.people, `${plural(c.people, 'person', 'people')} in all`, 'store', 'Speakers, the names merged into one person counted once'),
    stat('names', c.names, `${plural(c.names, 'name', 'names')} in all`, 'store', 'Every name articles gave a speaker'),
    stat('articles', c.articles, `${plural(c.articles, 'article', 'articles')} in all`, 'store'),
    stat('outlets', c.outlets, `${plural(c.outlets, 'outlet', 'outlets')} in all`, 'store'),
  ].filter(Boolean));
  bars($('top-speakers'), s.speakers, (b) => `#/speaker/${b.key}`);
  bars($('top-venues'), s.venues);
  bars($('top-outlets'), s.outlets);
  let note = `by ${iv.toLowerCase()}`;
  let empty;
  if (allTime) {
    note += ', every dated statement';
    if (s.undated) note += `; ${fmt.format(s.undated)} undated not shown`;
    if (!tl.timeline.length && s.undated) {
      note = `${fmt.format(s.undated)} undated`;
      empty = `No dated statements to draw: all ${fmt.format(s.undated)} ${plural(s.undated, 'statement is', 'statements are')} undated (their articles give no date).`;
    }
  }
  $('timeline-note').textContent = note;
  chart($('timeline'), tl.timeline, 'statements', iv, empty);
}

// refreshSoon reads the ranges and the overview again a moment after new
// statements arrive, once for a burst of them: an article of thirty
// quotations is one refresh.
const REFRESH_MS = 800;
let refreshTimer;
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    try {
      await loadRanges();
      if (!$('overview').hidden) await loadOverview();
      document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || 0) + 1);
    } catch (err) {
      report(err);
    }
  }, REFRESH_MS);
}

// The live feed: the latest quotations, then each new one as the server
// stores it.
const FEED_MAX = 30;
async function loadFeed() {
  const data = await gql(`{ quotes(orderBy: NEWEST, first: 15) { edges { node { ${QUOTE} } } } }`);
  $('feed').replaceChildren(...data.quotes.edges.map((e) => quoteItem(e.node)));
}

function subscribeFeed() {
  const status = $('live-status');
  const setStatus = (on, text) => {
    status.classList.toggle('on', on);
    status.querySelector('.label').textContent = text;
  };
  const client = createClient({
    url: wsEndpoint,
    lazy: false,
    retryAttempts: Infinity,
    on: {
      connected: () => setStatus(true, 'live'),
      closed: () => setStatus(false, 'reconnecting'),
    },
  });
  client.subscribe({ query: `subscription { quoteAdded { ${QUOTE} } }` }, {
    next: ({ data }) => {
      if (!data || !data.quoteAdded) return;
      const feed = $('feed');
      feed.prepend(quoteItem(data.quoteAdded, undefined, true));
      while (feed.children.length > FEED_MAX) feed.lastChild.remove();
      refreshSoon();
    },
    error: (err) => setStatus(false, 'error'),
    complete: () => setStatus(false, 'ended'),
  });
}

// Search.
let searchSeq = 0;
async function runSearch() {
  const seq = ++searchSeq;
  const search = $('q').value.trim();
  const speaker = $('f-speaker').value.trim();
  const venue = $('f-venue').value.trim();
  const outlet = $('f-outlet').value.trim();
  const kinds = [...document.querySelectorAll('input[name="kind"]:checked')].map((c) => c.value);
  const cueKinds = [...document.querySelectorAll('input[name="cueKind"]:checked')].map((c) => c.value);
  const minConfidence = Number($('f-conf').value);
  let order = $('f-order').value;
  const inRange = $('f-range').checked;
  const summary = $('search-summary');
  const results = $('results');
  if (!search && !speaker && !venue && !outlet) {
    summary.textContent = 'Type to search; filters apply to the dates above.';
    results.replaceChildren();
    return;
  }
  if (!search && order === 'RELEVANCE') order = 'NEWEST';
  const vars = {
    search: search || null, speaker: speaker || null, venue: venue || null, outlet: outlet || null,
    kind: kinds.length === 3 ? null : kinds, cueKind: cueKinds.length === 2 ? null : cueKinds,
    minConfidence: minConfidence || null, order,
    from: inRange ? range.from : null, to: inRange ? range.to : null,
  };
  const q = `query($search: String, $speaker: String, $venue: String, $outlet: String, $kind: [String!],
      $cueKind: [String!], $minConfidence: Float, $order: QuoteOrder, $from: String, $to: String) {
    quotes(search: $search, speaker: $speaker, venue: $venue, outlet: $outlet, kind: $kind, cueKind: $cueKind,
        minConfidence: $minConfidence, orderBy: $order, from: $from, to: $to, first: 20) {
      totalCount edges { node { ${QUOTE} } } } }`;
  try {
    const started = performance.now();
    const data = await gql(q, vars);
    if (seq !== searchSeq) return;
    const n = data.quotes.totalCount;
    const ms = Math.round(performance.now() - started);
    summary.textContent = `${fmt.format(n)} statement${n === 1 ? '' : 's'} match${n === 1 ? 'es' : ''}` +
      `${n > 20 ? ', the first 20 shown' : ''} (${ms} ms)`;
    const mark = highlighter(search);
    results.replaceChildren(...data.quotes.edges.map((e) => quoteItem(e.node, mark)));
  } catch (err) {
    if (seq !== searchSeq) return;
    summary.textContent = `Search failed: ${err.message}`;
    results.replaceChildren();
  }
}

let searchTimer;
function searchSoon() {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(runSearch, 250);
}

// The speaker page: who, under which names and titles, where, and what
// they said, over the selected dates.
let speakerShown = null;
async function showSpeaker(id) {
  speakerShown = id;
  const page = $('speaker-page');
  $('overview').hidden = true;
  page.hidden = false;
  page.replaceChildren(h('section', { class: 'card head' }, h('p', { class: 'empty' }, 'Loading…')));
  const vars = { id, ...rangeVars() };
  const data = await gql(`query($id: ID!, $from: String, $to: String) {
    node(id: $id) { ... on Speaker { id name aliases titles
      venues { id name kind }
      quotes(first: 0) { totalCount } } }
    said: quotes(speakerId: $id, orderBy: NEWEST, from: $from, to: $to, first: 25) { totalCount edges { node { ${QUOTE} } } }
    span: timeline(speakerId: $id, interval: MONTH, from: $from, to: $to) { start }
  }`, vars);
  const sp = data.node;
  if (!sp) {
    page.replaceChildren(h('section', { class: 'card head' }, h('a', { class: 'back', href: '#/' }, '← dashboard'), h('p', {}, 'No such speaker.')));
    return;
  }
  const iv = interval(data.span.length * 30.4);
  const tl = await gql(`query($id: ID!, $iv: Interval, $from: String, $to: String) {
    timeline(speakerId: $id, interval: $iv, from: $from, to: $to) { start count } }`, { ...vars, iv });
  const timelineEl = h('div', { class: 'chart' });
  const titles = sp.titles.slice(0, 6);
  const inRange = range.from ? `in ${range.label === 'Custom' ? `${range.from} – ${range.to}` : range.label}` : 'all time';
  page.replaceChildren(
    h('section', { class: 'card head' },
      h('a', { class: 'back', href: '#/' }, '← dashboard'),
      h('h1', {}, sp.name),
      h('div', { class: 'chips' },
        h('span', { class: 'chip' }, `${fmt.format(sp.quotes.totalCount)} ${plural(sp.quotes.totalCount, 'statement', 'statements')} in all`),
        sp.aliases.map((a) => h('span', { class: 'chip alias', title: 'also printed as' }, `also “${a}”`))),
      titles.length ? h('div', { class: 'chips' }, titles.map((t) => h('span', { class: 'chip' }, t)),
        sp.titles.length > titles.length ? h('span', { class: 'chip more' }, `+${sp.titles.length - titles.length} more titles`) : null) : null),
    h('section', { class: 'card venues' }, h('h2', {}, 'Venues ', h('small', {}, 'most quoted first')),
      sp.venues.length
        ? h('ul', { class: 'chips' }, sp.venues.map((v) => h('li', { class: 'chip' }, `${v.name} · ${v.kind}`)))
        : h('p', { class: 'empty' }, 'no venue named')),
    h('section', { class: 'card timeline' }, h('h2', {}, 'Statements over time ', h('small', {}, `by ${iv.toLowerCase()}, ${inRange}`)), timelineEl),
    h('section', { class: 'card said' }, h('h2', {}, 'Statements ', h('small', {},
      `newest first, ${inRange}: ${Math.min(25, data.said.totalCount)} of ${fmt.format(data.said.totalCount)}`)),
      data.said.edges.length
        ? h('ul', { class: 'quotes' }, data.said.edges.map((e) => quoteItem(e.node)))
        : h('p', { class: 'empty' }, 'no statement in this range')),
  );
  chart(timelineEl, tl.timeline, sp.name, iv);
  window.scrollTo(0, 0);
}

async function route() {
  const m = location.hash.match(/^#\/speaker\/([^/?#]+)/);
  if (m) {
    await showSpeaker(decodeURIComponent(m[1]));
    return;
  }
  $('speaker-page').hidden = true;
  $('overview').hidden = false;
  for (const c of charts.keys()) if (!document.body.contains(c)) charts.delete(c);
  if (!$('timeline').children.length) await loadOverview();
}

async function main() {
  $('search-form').addEventListener('input', () => {
    $('f-conf-out').textContent = Number($('f-conf').value).toFixed(2);
    searchSoon();
  });
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    runSearch();
  });
  $('custom-range').addEventListener('submit', (e) => {
    e.preventDefault();
    const from = $('range-from').value || null;
    const to = $('range-to').value || null;
    setRange({ key: 'custom', label: 'Custom', from, to });
  });
  window.addEventListener('hashchange', () => route().catch(report));
  window.addEventListener('resize', () => {
    for (const [el, u] of charts) u.setSize({ width: Math.max(300, el.clientWidth), height: 220 });
  });
  await loadRanges();
  await Promise.all([route(), loadFeed()]);
  subscribeFeed();
  document.body.dataset.ready = 'true';
}

function report(err) {
  console.warn('dashboard:', err);
  document.body.dataset.error = String(err && err.message ? err.message : err);
}

main().catch(report);
