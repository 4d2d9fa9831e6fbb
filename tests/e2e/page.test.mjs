// The demo page in a real browser (Debian's chromium via playwright-core) against the real
// server: rendering, event types, channels, untrusted data, theme and phone layout.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  launchBrowser,
  testId,
  waitForState,
  waitForCard,
  readCards,
  pageClientId,
  waitFor,
  TIMEOUT_MS,
} from './lib/harness.mjs';

let server;
let browser;
let page;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = await browser.open(server.url);
  await waitForState(page, 'open');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const asParsed = (data) => data.replace(/\r\n|\r/g, '\n');
const text = (p, id) => p.textContent(testId(id));

test('the server serves the page, its script and its stylesheet with the right types', async () => {
  for (const [route, type] of [
    ['', /^text\/html/],
    ['app.js', /^(text|application)\/javascript/],
    ['style.css', /^text\/css/],
  ]) {
    const res = await fetch(new URL(route, server.url));
    assert.equal(res.status, 200, `GET /${route}`);
    assert.match(res.headers.get('content-type') ?? '', type, `Content-Type of /${route}`);
    assert.ok((await res.text()).length > 100, `/${route} has content`);
  }
  // The stylesheet applied (a wrong MIME type would make chromium ignore it).
  const listStyle = await page.$eval(testId('events'), (el) => getComputedStyle(el).listStyleType);
  assert.equal(listStyle, 'none');
});

test('the page connects and shows its state, client id and counters', async () => {
  assert.equal(await text(page, 'state'), 'open');
  assert.equal(await text(page, 'reconnects'), '0');
  assert.equal(await text(page, 'last-id'), '—');
  const clientId = await pageClientId(page);
  const clients = await server.clients();
  const me = clients.find((c) => String(c.id) === clientId);
  assert.ok(me, `client ${clientId} is in GET /api/clients: ${JSON.stringify(clients)}`);
  assert.match(me.userAgent, /Chrom/);
  assert.deepEqual(me.channels, ['default']);
  assert.equal(await text(page, 'subscribed'), 'default');
  assert.equal(await page.isVisible(testId('gap-banner')), false);
  assert.equal(await page.isVisible(testId('closed-note')), false);
});

test('message and named events are shown as cards; JSON is pretty-printed', async () => {
  const plain = await server.publish({ data: 'plain text event' });
  const card = await waitForCard(page, plain.id);
  assert.equal(card.type, 'message');
  assert.equal(card.data, 'plain text event');
  assert.equal(card.format, 'text');
  assert.ok(!Number.isNaN(Date.parse(card.time)), 'the card has a receive time');
  assert.equal(await text(page, 'last-id'), plain.id);

  // A type never published before: the page learns it from dashboard.types, just in time.
  const quote = { symbol: 'ACME', price: 12.5, tags: ['a', 'b'] };
  const named = await server.publish({ event: 'stock-quote', data: quote });
  const namedCard = await waitForCard(page, named.id);
  assert.equal(namedCard.type, 'stock-quote');
  assert.equal(namedCard.format, 'json');
  // Key order is the server's business (Qt sorts object keys); the page only re-indents.
  assert.deepEqual(JSON.parse(namedCard.data), quote);
  assert.equal(namedCard.data, JSON.stringify(JSON.parse(namedCard.data), null, 2), 'indented by 2');
  assert.match(await text(page, 'event-types'), /stock-quote/);

  // A JSON-looking string that is not JSON stays as sent.
  const notJson = await server.publish({ event: 'stock-quote', data: '{not json}' });
  const notJsonCard = await waitForCard(page, notJson.id);
  assert.equal(notJsonCard.format, 'text');
  assert.equal(notJsonCard.data, '{not json}');

  const cards = await readCards(page);
  assert.deepEqual(cards.slice(0, 3).map((c) => c.id), [notJson.id, named.id, plain.id], 'newest first');
});

test('multi-line and unicode data are shown exactly', async () => {
  const cases = [
    'line 1\nline 2\nline 3',
    'crlf 1\r\ncrlf 2',
    'cr 1\rcr 2',
    '  indented\n\n\ttabbed  ',
    'héllo wörld — 日本語 — 🎉👩‍👩‍👧 — مرحبا — e\u0301 — LS\u2028PS\u2029|',
    '<not a tag> & &amp; &lt;',
  ];
  const sent = [];
  for (const data of cases) sent.push({ data, ...(await server.publish({ event: 'text', data })) });
  for (const { data, id } of sent) {
    const card = await waitForCard(page, id);
    assert.equal(card.data, asParsed(data), `card of ${JSON.stringify(data)}`);
    assert.equal(card.type, 'text');
  }
});

test('HTML in data and event names is shown as text and never executed', async () => {
  const html = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>';
  const r1 = await server.publish({ data: html });
  const r2 = await server.publish({ event: '<img src=y onerror="window.__pwned=3">', data: { html } });
  const r3 = await server.publish({ data: '<svg onload="window.__pwned=4"></svg><iframe src="javascript:window.top.__pwned=5"></iframe>' });
  const c1 = await waitForCard(page, r1.id);
  const c2 = await waitForCard(page, r2.id);
  await waitForCard(page, r3.id);
  assert.equal(c1.data, html);
  assert.equal(c2.type, '<img src=y onerror="window.__pwned=3">');
  assert.equal(c2.data, JSON.stringify({ html }, null, 2));
  const injected = await page.$$eval(
    `${testId('events')} img, ${testId('events')} script, ${testId('events')} b, ${testId('events')} svg, ${testId('events')} iframe`,
    (els) => els.length,
  );
  assert.equal(injected, 0, 'no element was created from event data');
  // Let the browser run anything that might have been scheduled, then check nothing ran.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
});

test('two pages receive the same broadcast', async () => {
  const second = await browser.open(server.url);
  try {
    await waitForState(second, 'open');
    const r = await server.publish({ event: 'broadcast', data: 'to everyone' });
    assert.ok(r.delivered >= 2, `delivered to both pages: ${JSON.stringify(r)}`);
    const [a, b] = await Promise.all([waitForCard(page, r.id), waitForCard(second, r.id)]);
    assert.deepEqual([a.type, a.data], ['broadcast', 'to everyone']);
    assert.deepEqual([b.type, b.data], ['broadcast', 'to everyone']);
    assert.notEqual(await pageClientId(second), await pageClientId(page), 'two distinct clients');
  } finally {
    await second.close();
  }
});

test('the classic example page streams from /see, a listener for "custom" included', async () => {
  // The page of the ASP.NET Core example: new EventSource("/see") and a named-event listener.
  const seed = await browser.open(server.url);
  try {
    await seed.evaluate(() => {
      window.seen = [];
      const source = new EventSource('/see');
      source.addEventListener('custom', (e) => window.seen.push(['custom', e.data, e.lastEventId]));
      source.onmessage = (e) => window.seen.push(['message', e.data, e.lastEventId]);
      window.seeSource = source;
    });
    await waitFor(() => seed.evaluate(() => window.seeSource.readyState === EventSource.OPEN), {
      what: 'the /see stream to open',
    });
    const custom = await server.publish({ event: 'custom', data: 'from the seed' });
    const plain = await server.publish({ data: 'plain' });
    const seen = await waitFor(async () => {
      const s = await seed.evaluate(() => window.seen);
      return s.length >= 2 && s;
    }, { what: 'both events on /see' });
    assert.deepEqual(seen, [
      ['custom', 'from the seed', custom.id],
      ['message', 'plain', plain.id],
    ]);
  } finally {
    await seed.close();
  }
});

test('a page whose stream waits for one of the six connections says why', async () => {
  // One browser opens at most six HTTP/1.1 connections to one server. The page of before()
  // holds one, this page one, and four of five more streams here take the rest: the fifth
  // waits. A new subscription of this page then waits behind it, and the page must say why.
  const p = await browser.open(server.url);
  try {
    await waitForState(p, 'open');
    await p.evaluate(() => {
      window.extra = [];
      for (let i = 0; i < 5; i++) window.extra.push(new EventSource('/events?channel=hold'));
    });
    await waitFor(async () => (await server.clients()).length === 6, { what: 'six streams' });
    assert.equal(await p.isVisible(testId('wait-note')), false);
    await p.fill(testId('channels-input'), 'waiting');
    await p.click(testId('channels-apply'));
    await p.waitForSelector(testId('wait-note'), { state: 'visible', timeout: TIMEOUT_MS });
    assert.match(await text(p, 'wait-note'), /six connections/);
    assert.match(await text(p, 'wait-note'), /HTTP\/2/);
    // A connection frees up: the stream opens and the note goes.
    await p.evaluate(() => window.extra.forEach((e) => e.close()));
    await waitForState(p, 'open');
    assert.equal(await p.isVisible(testId('wait-note')), false);
  } finally {
    await p.close();
  }
});

test('choosing channels reconnects to them; invalid names are refused', async () => {
  const oldId = await pageClientId(page);
  await page.fill(testId('channels-input'), ' alpha ,beta,alpha ');
  await page.press(testId('channels-input'), 'Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="subscribed"]').textContent === 'alpha, beta', null, {
    timeout: TIMEOUT_MS,
  });
  await waitForState(page, 'open');
  const newId = await pageClientId(page);
  assert.notEqual(newId, oldId, 'a new subscription');
  assert.equal(await page.inputValue(testId('channels-input')), 'alpha, beta', 'the input is normalised');
  assert.deepEqual(new URL(page.url()).searchParams.getAll('channel'), ['alpha', 'beta'], 'kept in the address');
  assert.equal(await text(page, 'reconnects'), '0', 'a channel change is not a reconnect');
  await waitFor(async () => {
    const me = (await server.clients()).find((c) => String(c.id) === newId);
    return me && JSON.stringify([...me.channels].sort()) === '["alpha","beta"]';
  }, { what: `client ${newId} subscribed to alpha and beta` });

  const skipped = await server.publish({ data: 'default only' });
  const wanted = await server.publish({ data: 'for alpha', channel: 'alpha' });
  await waitForCard(page, wanted.id);
  // One stream delivers in publish order: had the default event come, it would be here now.
  assert.equal(await page.$(`[data-testid="event-card"][data-id="${skipped.id}"]`), null);

  await page.fill(testId('channels-input'), 'bad channel!');
  await page.press(testId('channels-input'), 'Enter');
  assert.equal(await page.isVisible(testId('channels-error')), true);
  assert.match(await text(page, 'channels-error'), /bad channel!/);
  assert.equal(await pageClientId(page), newId, 'no reconnect for an invalid name');

  // Back to the default channel (an empty field).
  await page.fill(testId('channels-input'), '');
  await page.press(testId('channels-input'), 'Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="subscribed"]').textContent === 'default', null, {
    timeout: TIMEOUT_MS,
  });
  assert.equal(await page.isVisible(testId('channels-error')), false);
  const back = await server.publish({ data: 'default again' });
  await waitForCard(page, back.id);
});

test('a page opened with ?channel= subscribes to those channels', async () => {
  const other = await browser.open(new URL('?channel=news&channel=sport', server.url).href);
  try {
    await waitForState(other, 'open');
    await other.waitForFunction(() => document.querySelector('[data-testid="subscribed"]').textContent === 'news, sport');
    assert.equal(await other.inputValue(testId('channels-input')), 'news, sport');
    const r = await server.publish({ data: 'goal!', channel: 'sport' });
    assert.equal((await waitForCard(other, r.id)).data, 'goal!');
  } finally {
    await other.close();
  }
});

test('the number of cards is capped', async () => {
  const total = 520;
  let first;
  let last;
  for (let i = 0; i < total; i++) {
    const r = await server.publish({ event: 'flood', data: `flood ${i}` });
    if (i === 0) first = r;
    last = r;
  }
  await waitForCard(page, last.id);
  const count = await page.$$eval('[data-testid="events"] > li', (els) => els.length);
  assert.equal(count, 500, 'at most 500 entries are kept');
  assert.equal(await page.$(`[data-testid="event-card"][data-id="${first.id}"]`), null, 'the oldest were dropped');
  assert.match(await text(page, 'event-count'), /received, last \d+ shown/);
});

test('the page follows the system theme and fits a phone screen', async () => {
  const phone = await browser.context.newPage();
  try {
    await phone.setViewportSize({ width: 360, height: 740 });
    const bg = () => phone.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const luminance = (rgb) => {
      const [r, g, b] = rgb.match(/\d+/g).map(Number);
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    };
    await phone.emulateMedia({ colorScheme: 'dark' });
    await phone.goto(server.url);
    await waitForState(phone, 'open');
    assert.ok(luminance(await bg()) < 0.3, `dark background in dark mode: ${await bg()}`);
    await phone.emulateMedia({ colorScheme: 'light' });
    assert.ok(luminance(await bg()) > 0.7, `light background in light mode: ${await bg()}`);

    assert.match(
      (await phone.getAttribute('meta[name="viewport"]', 'content')) ?? '',
      /width=device-width/,
    );
    // Long unbroken data must wrap, not widen the page.
    const r = await server.publish({ event: 'a-rather-long-event-type-name-' + 'x'.repeat(60), data: 'y'.repeat(3000) });
    await waitForCard(phone, r.id);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling on a phone (overflow ${overflow}px)`);
  } finally {
    await phone.close();
  }
});

test('the page logged no errors', () => {
  assert.deepEqual(page.problems, []);
});
