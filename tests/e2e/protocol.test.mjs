// Protocol tests with an independent client (the `eventsource` npm package) and raw reads of
// the wire: what docs/protocol.md promises every conforming EventSource client sees.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openStream, helloOf, readRaw, waitFor } from './lib/harness.mjs';

let server;
const streams = [];

before(async () => {
  server = await startServer();
});

after(async () => {
  for (const es of streams) es.close();
  await server?.stop();
});

/**
 * Opens a recorded stream on this file's server with the control events (?control=1), as the
 * demo page does, and waits until it said hello.
 */
async function subscribe(query = '', opts = {}) {
  const url = new URL(`events${query}`, server.url);
  url.searchParams.set('control', '1');
  const es = openStream(url, opts);
  streams.push(es);
  await helloOf(es);
  return es;
}

/** How a conforming client reassembles data: every line break becomes LF. */
const asParsed = (data) => data.replace(/\r\n|\r/g, '\n');

test('a plain stream carries exactly what was published: no control events, no retry', async () => {
  const ch = 'plain-only';
  const raw = readRaw(new URL(`events?channel=${ch}`, server.url), {
    until: (t) => t.includes('data: second\n\n'),
    what: 'the two published events',
  });
  const es = openStream(new URL(`events?channel=${ch}`, server.url));
  streams.push(es);
  await waitFor(() => es.states.includes('open'), { what: 'the plain stream to open' });
  await waitFor(async () => (await server.clients()).filter((c) => c.channels.includes(ch)).length === 2, {
    what: 'both plain subscribers',
  });
  const first = await server.publish({ event: 'brand-new-type', data: 'first', channel: ch });
  const second = await server.publish({ data: 'second', channel: ch });
  // The server runs with --heartbeat 1: heartbeat comments are part of any stream.
  const text = (await raw).text.replace(/^: ?heartbeat\n\n/gm, '');
  assert.equal(
    text,
    `id: ${first.id}\nevent: brand-new-type\ndata: first\n\nid: ${second.id}\ndata: second\n\n`,
    'the body is the two events and nothing else',
  );
  await es.waitForEvent((e) => e.id === second.id, `event ${second.id}`);
  assert.deepEqual(
    es.recorded.map((e) => e.type),
    ['brand-new-type', 'message'],
    'the eventsource client dispatched only what was published',
  );
});

test('with ?control=1 the stream starts with retry and a dashboard.hello that carries no id', async () => {
  // The raw stream up to the end of the block (blank-line separated) naming dashboard.hello.
  const helloBlock = (t) => t.split(/\r?\n\r?\n/).slice(0, -1).find((b) => /^event: ?dashboard\.hello\r?$/m.test(b));
  const raw = await readRaw(new URL('events?control=1', server.url), {
    until: (t) => helloBlock(t) !== undefined,
    what: 'the dashboard.hello event',
  });
  assert.equal(raw.status, 200);
  assert.match(raw.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.equal(raw.headers.get('cache-control'), 'no-cache');
  assert.equal(raw.headers.get('x-accel-buffering'), 'no');
  assert.equal(raw.headers.get('access-control-allow-origin'), '*');
  assert.equal(raw.headers.get('content-encoding'), null, 'the stream must not be compressed');
  const block = helloBlock(raw.text);
  const upToHello = raw.text.slice(0, raw.text.indexOf(block) + block.length);
  assert.match(upToHello, /^retry: ?2000\r?$/m, 'retry: 2000 is sent with or before the hello');
  assert.doesNotMatch(block, /^id:/m, 'dashboard.hello must not set the last event id');

  const es = await subscribe();
  const hello = await helloOf(es);
  assert.equal(es.recorded[0].type, 'dashboard.hello', 'hello is the first event');
  assert.equal(es.recorded[0].id, '');
  assert.ok(Number.isInteger(hello.clientId), `clientId is an integer: ${JSON.stringify(hello)}`);
  assert.deepEqual(hello.channels, ['default']);
  assert.ok(Array.isArray(hello.eventTypes), 'eventTypes is an array');
  assert.equal(hello.historyGap, false);
  const clients = await server.clients();
  assert.ok(
    clients.some((c) => String(c.id) === String(hello.clientId)),
    `GET /api/clients lists client ${hello.clientId}: ${JSON.stringify(clients)}`,
  );
});

test('heartbeat comments arrive on an idle stream', async () => {
  // The server runs with --heartbeat 1.
  const raw = await readRaw(new URL('events', server.url), {
    until: (t) => /(^|\n): ?heartbeat\r?\n/.test(t),
    what: 'a heartbeat comment',
    timeout: 5000,
  });
  assert.equal(raw.status, 200);
});

test('message events keep their data and id; non-string JSON data is sent compact', async () => {
  const es = await subscribe();

  const plain = await server.publish({ data: 'hello world' });
  assert.match(plain.id, /^\d+$/, 'the server assigns integer ids when none is given');
  assert.ok(plain.delivered >= 1, `delivered counts the subscriber: ${JSON.stringify(plain)}`);
  const got = await es.waitForEvent((e) => e.id === plain.id, `event ${plain.id}`);
  assert.deepEqual(got, { type: 'message', data: 'hello world', id: plain.id });

  const custom = await server.publish({ data: 'with my id', id: 'order-17' });
  assert.equal(custom.id, 'order-17');
  const gotCustom = await es.waitForEvent((e) => e.id === 'order-17', 'event order-17');
  assert.equal(gotCustom.data, 'with my id');

  const numeric = await server.publish({ data: 'numeric id', id: 987654 });
  assert.equal(numeric.id, '987654');
  await es.waitForEvent((e) => e.id === '987654' && e.data === 'numeric id', 'event 987654');

  const obj = { a: 1, b: [true, null, 'x'], c: { d: 'é' } };
  const json = await server.publish({ data: obj });
  const gotJson = await es.waitForEvent((e) => e.id === json.id, `event ${json.id}`);
  assert.equal(gotJson.data, JSON.stringify(obj));
});

test('named events are announced by dashboard.types first, and names are case-sensitive', async () => {
  const es = await subscribe();
  const countTypes = () => es.recorded.filter((e) => e.type === 'dashboard.types').length;

  const price = await server.publish({ event: 'price', data: '12.50' });
  const got = await es.waitForEvent((e) => e.id === price.id, `event ${price.id}`);
  assert.equal(got.type, 'price');
  assert.equal(got.data, '12.50');
  const typesAt = es.recorded.findIndex(
    (e) => e.type === 'dashboard.types' && JSON.parse(e.data).eventTypes.includes('price'),
  );
  assert.ok(typesAt >= 0, 'a dashboard.types event announced "price"');
  assert.ok(typesAt < es.recorded.indexOf(got), 'the announcement comes before the first "price" event');
  assert.equal(es.recorded[typesAt].id, '', 'dashboard.types carries no id');

  const Price = await server.publish({ event: 'Price', data: 'upper' });
  const gotUpper = await es.waitForEvent((e) => e.id === Price.id, `event ${Price.id}`);
  assert.equal(gotUpper.type, 'Price');
  const typesSoFar = countTypes();

  // A type seen before is not announced again.
  const again = await server.publish({ event: 'price', data: '13.00' });
  await es.waitForEvent((e) => e.id === again.id, `event ${again.id}`);
  assert.equal(countTypes(), typesSoFar, 'no new dashboard.types for a known type');

  // Later subscribers learn every type from their hello.
  const late = await subscribe();
  const hello = await helloOf(late);
  assert.ok(hello.eventTypes.includes('price') && hello.eventTypes.includes('Price'), JSON.stringify(hello));
  assert.ok(!hello.eventTypes.some((t) => t.startsWith('dashboard.')), 'control events are not listed');
});

test('multi-line data (LF, CRLF, lone CR) arrives exactly as clients join it', async () => {
  const es = await subscribe();
  const cases = [
    'one\ntwo\nthree',
    'crlf 1\r\ncrlf 2\r\ncrlf 3',
    'cr 1\rcr 2\rcr 3',
    'mixed\r\n\rlf\ncr\r\r\nend',
    '\nstarts with LF',
    'ends with LF\n',
    'ends with CRLF\r\n',
    'ends with CR\r',
    'blank\n\nline',
    '\r\n\r\n',
    ' leading space',
    '  two leading spaces\n  on both lines',
    ':looks like a comment\n: another',
    'data: fake\nid: 999\nevent: evil\nretry: 1',
    'id: 999\rretry: 1\revent: evil',
  ];
  const sent = [];
  for (const data of cases) sent.push({ data, ...(await server.publish({ data })) });
  for (const { data, id } of sent) {
    const got = await es.waitForEvent((e) => e.id === id, `event ${id}`);
    assert.equal(got.type, 'message', `type of ${JSON.stringify(data)}`);
    assert.equal(got.data, asParsed(data), `data of ${JSON.stringify(data)}`);
  }
  assert.ok(!es.recorded.some((e) => e.type === 'evil' || e.id === '999'), 'no field was injected');

  // On the wire, no bare CR may survive inside a data line.
  const last = sent.at(-1).id;
  const raw = await readRaw(new URL('events?lastEventId=' + encodeURIComponent(sent[0].id), server.url), {
    until: (t) => t.includes(`id: ${last}\n`) || t.includes(`id: ${last}\r\n`),
    what: `the replay up to ${last}`,
  });
  for (const line of raw.text.split(/\r\n|\n/)) {
    assert.ok(!line.includes('\r'), `a lone CR inside the line ${JSON.stringify(line)}`);
  }
});

test('unicode data arrives byte-exact', async () => {
  const es = await subscribe();
  const cases = [
    'héllo wörld — ça va? ñ ß ø',
    '日本語のテキスト 中文 한국어',
    'emoji 🎉🚀 family 👩‍👩‍👧 flag 🇫🇷 skin 👍🏽',
    'RTL: مرحبا بالعالم שלום',
    'combining: e\u0301 a\u0308 — zero width:\u200b\u200d|',
    'not line breaks: LS\u2028PS\u2029NEL\u0085VT\u000bFF\u000c|',
    'math 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟘𝟙𝟚 and a lone astral 𐍈',
    'multi-line ünïcödé\r\nzweite Zeile\rdritte 🎉',
  ];
  const sent = [];
  for (const data of cases) sent.push({ data, ...(await server.publish({ data })) });
  for (const { data, id } of sent) {
    const got = await es.waitForEvent((e) => e.id === id, `event ${id}`);
    assert.equal(got.data, asParsed(data), `data of ${JSON.stringify(data)}`);
  }

  const named = await server.publish({ event: 'ünïcode-événement', data: '✓' });
  const got = await es.waitForEvent((e) => e.id === named.id, `event ${named.id}`);
  assert.equal(got.type, 'ünïcode-événement');
});

test('a leading U+FEFF (BOM) in data is data, not an encoding mark', async () => {
  const es = await subscribe();
  // Sent as raw UTF-8 inside the JSON string, as JSON.stringify (and most encoders) do.
  const r = await server.publish({ data: '\ufeffstarts with U+FEFF' });
  const got = await es.waitForEvent((e) => e.id === r.id, `event ${r.id}`);
  assert.equal(got.data, '\ufeffstarts with U+FEFF');
});

test('NUL and other control characters in data arrive unchanged', async () => {
  const es = await subscribe();
  const data = 'nul:\u0000|bell:\u0007|esc:\u001b[31m|del:\u007f|tab:\t|';
  const r = await server.publish({ data });
  const got = await es.waitForEvent((e) => e.id === r.id, `event ${r.id}`);
  assert.equal(got.data, data);
});

test('a large multi-line event arrives whole', async () => {
  const es = await subscribe();
  const line = 'x'.repeat(1000);
  const data = Array.from({ length: 200 }, (_, i) => `${i}:${line}`).join('\n');
  const r = await server.publish({ data });
  const got = await es.waitForEvent((e) => e.id === r.id, `event ${r.id}`, 20_000);
  assert.equal(got.data.length, data.length);
  assert.equal(got.data, data);
});

test('channels: a subscriber gets the channels it asked for, and only those', async () => {
  const es = await subscribe('?channel=alpha&channel=beta');
  const hello = await helloOf(es);
  assert.deepEqual([...hello.channels].sort(), ['alpha', 'beta']);

  const a = await server.publish({ data: 'to alpha', channel: 'alpha' });
  const g = await server.publish({ data: 'to gamma', channel: 'gamma' });
  const d = await server.publish({ data: 'to default' });
  const b = await server.publish({ data: 'to beta', channel: 'beta' });
  await es.waitForEvent((e) => e.id === b.id, `event ${b.id}`);
  // Events of one stream arrive in publish order, so by now the others would have come.
  const ids = es.dataEvents().map((e) => e.id);
  assert.deepEqual(ids, [a.id, b.id], `only alpha and beta events, in order (gamma ${g.id}, default ${d.id})`);
});

test('Last-Event-ID (header or query) replays what came after it, in order, per channel', async () => {
  const ch = 'replay';
  const first = await server.publish({ data: 'r1', channel: ch });
  const second = await server.publish({ data: 'r2\nline 2', channel: ch });
  await server.publish({ data: 'elsewhere', channel: 'replay-other' });
  const third = await server.publish({ event: 'price', data: 'r3', channel: ch });
  const expected = [
    { type: 'message', data: 'r2\nline 2', id: second.id },
    { type: 'price', data: 'r3', id: third.id },
  ];

  // Header, as a reconnecting EventSource sends it.
  const byHeader = await subscribe(`?channel=${ch}`, { lastEventId: first.id });
  await byHeader.waitForEvent((e) => e.id === third.id, `replayed event ${third.id}`);
  assert.deepEqual(byHeader.dataEvents(), expected);
  assert.ok(!byHeader.recorded.some((e) => e.type === 'dashboard.history-gap'), 'no gap for a known id');
  assert.equal((await helloOf(byHeader)).historyGap, false);

  // Query parameter, for first connects and polyfills.
  const byQuery = await subscribe(`?channel=${ch}&lastEventId=${encodeURIComponent(first.id)}`);
  await byQuery.waitForEvent((e) => e.id === third.id, `replayed event ${third.id}`);
  assert.deepEqual(byQuery.dataEvents(), expected);

  // The header wins over the query.
  const both = await subscribe(`?channel=${ch}&lastEventId=${encodeURIComponent(first.id)}`, {
    lastEventId: second.id,
  });
  await both.waitForEvent((e) => e.id === third.id, `replayed event ${third.id}`);
  assert.deepEqual(both.dataEvents(), expected.slice(1));

  // Live events follow the replay on the same stream.
  const live = await server.publish({ data: 'live', channel: ch });
  await byHeader.waitForEvent((e) => e.id === live.id, `live event ${live.id}`);
  assert.deepEqual(byHeader.dataEvents().map((e) => e.id), [second.id, third.id, live.id]);
});

test('an unknown Last-Event-ID is reported as a history gap, then the whole history follows', async () => {
  const ch = 'gap-unknown';
  const one = await server.publish({ data: 'g1', channel: ch });
  const two = await server.publish({ data: 'g2', channel: ch });

  const raw = await readRaw(new URL(`events?channel=${ch}`, server.url), {
    headers: { 'Last-Event-ID': 'never-seen' },
    until: (t) => t.includes(`id: ${two.id}`),
    what: 'the replayed history',
  });
  assert.match(
    raw.text,
    /(^|\n): ?history-gap reason=unknown lastEventId=never-seen oldestId=\S+\r?\n/,
    'a ": history-gap ..." comment on the plain stream, with the reason',
  );

  const es = await subscribe(`?channel=${ch}`, { lastEventId: 'never-seen' });
  await es.waitForEvent((e) => e.id === two.id, `event ${two.id}`);
  const types = es.recorded.map((e) => e.type);
  const gapAt = types.indexOf('dashboard.history-gap');
  assert.ok(gapAt > 0, `a dashboard.history-gap event after the hello: ${types.join(', ')}`);
  const gap = es.recorded[gapAt];
  assert.equal(gap.id, '', 'the gap event carries no id');
  const info = JSON.parse(gap.data);
  assert.equal(info.lastEventId, 'never-seen');
  assert.equal(info.reason, 'unknown');
  assert.equal(typeof info.oldestId, 'string', `oldestId is the oldest id held: ${gap.data}`);
  assert.deepEqual(es.dataEvents().map((e) => e.id), [one.id, two.id], 'the whole history of the channel');
  assert.ok(gapAt < es.recorded.findIndex((e) => e.id === one.id), 'the gap comes before the replay');
  assert.equal((await helloOf(es)).historyGap, true, 'hello says historyGap: true');
});

test('an evicted Last-Event-ID is reported with the oldest id still held', async () => {
  const small = await startServer({ args: ['--history', '3'] });
  const es = [];
  try {
    const ids = [];
    for (let i = 1; i <= 6; i++) ids.push((await small.publish({ data: `e${i}` })).id);
    const s = openStream(new URL('events?control=1', small.url), { lastEventId: ids[0] });
    es.push(s);
    await s.waitForEvent((e) => e.id === ids[5], `event ${ids[5]}`);
    const gapEvent = s.recorded.find((e) => e.type === 'dashboard.history-gap');
    assert.ok(gapEvent, 'a dashboard.history-gap event');
    assert.deepEqual(JSON.parse(gapEvent.data), { lastEventId: ids[0], oldestId: ids[3], reason: 'evicted' });
    assert.deepEqual(s.dataEvents().map((e) => e.id), ids.slice(3), 'what the history still holds');
    assert.equal((await helloOf(s)).historyGap, true);
  } finally {
    for (const s of es) s.close();
    await small.stop();
  }
});

test('the eventsource client reconnects by itself after a disconnect and catches up', async () => {
  const ch = 'es-reconnect';
  const es = await subscribe(`?channel=${ch}`);
  const { clientId } = await helloOf(es);
  const before = await server.publish({ data: 'before', channel: ch });
  await es.waitForEvent((e) => e.id === before.id, `event ${before.id}`);

  await server.disconnect(clientId);
  await waitFor(() => es.states.includes('error'), { what: 'the client to notice the disconnect' });
  // Nobody listens on this channel now: these can only arrive through the replay.
  const missed1 = await server.publish({ data: 'missed 1', channel: ch });
  const missed2 = await server.publish({ data: 'missed 2\r\nsecond line', channel: ch });
  assert.equal(missed1.delivered, 0, 'the client was away when this was published');

  await es.waitForEvent((e) => e.id === missed2.id, `replayed event ${missed2.id}`);
  assert.deepEqual(
    es.dataEvents().map((e) => [e.id, e.data]),
    [
      [before.id, 'before'],
      [missed1.id, 'missed 1'],
      [missed2.id, 'missed 2\nsecond line'],
    ],
    'each event exactly once, in order',
  );
  const hellos = es.recorded.filter((e) => e.type === 'dashboard.hello').map((e) => JSON.parse(e.data));
  assert.equal(hellos.length, 2, 'a second hello after the reconnect');
  assert.notEqual(hellos[1].clientId, clientId, 'the reconnect is a new client');
  assert.equal(hellos[1].historyGap, false);
});
