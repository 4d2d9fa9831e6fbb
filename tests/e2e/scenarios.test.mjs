// Scenarios end to end: a scenario route consumed the way OpenAI-style SDKs consume a streamed
// chat completion (a POST, then the response body read as text/event-stream with fetch; the
// `eventsource` package cannot POST), the non-streamed answer, and playback from
// /api/scenarios to an `eventsource` client.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openStream, waitFor, getJson } from './lib/harness.mjs';

let server;
const streams = [];

before(async () => {
  server = await startServer({
    args: ['--route', 'POST /v1/chat/completions=:/scenarios/openai-chat.jsonl'],
  });
});

after(async () => {
  for (const es of streams) es.close();
  await server?.stop();
});

/** Reads a fetch response body as an event stream, as SDKs do; resolves when the body ends. */
async function readEventStream(response) {
  const events = [];
  const decoder = new TextDecoder();
  let buffer = '';
  let data = [];
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(buffer[end] === '\r' && buffer[end + 1] === '\n' ? end + 2 : end + 1);
      if (line === '') {
        if (data.length) events.push(data.join('\n'));
        data = [];
      } else if (line.startsWith('data:')) {
        data.push(line.slice(5).replace(/^ /, ''));
      }
    }
  }
  return events;
}

const completionsUrl = () => new URL('v1/chat/completions', server.url);

test('a POST to a bound route streams the scenario as text/event-stream and ends', async () => {
  const response = await fetch(completionsUrl(), {
    method: 'POST',
    // What the OpenAI SDK sends: an API key the server ignores when no subscriber token is set.
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer sk-test' },
    body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/event-stream/);
  const events = await readEventStream(response); // returns only when the server ends the body
  assert.equal(events.at(-1), '[DONE]');
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
  assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk'));
  const content = chunks.map((c) => c.choices[0].delta.content ?? '').join('');
  assert.equal(
    content,
    'Server-sent events let a server push text to the browser over one long HTTP response, token by token.',
  );
  assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');
});

test('two requests at once each get the whole scenario', async () => {
  const open = () =>
    fetch(completionsUrl(), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"stream": true}',
    }).then(readEventStream);
  const [one, two] = await Promise.all([open(), open()]);
  assert.deepEqual(one, two);
  assert.equal(one.at(-1), '[DONE]');
});

test('"stream": false gets one chat.completion assembled from the chunks', async () => {
  const response = await fetch(completionsUrl(), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'm', stream: false, messages: [] }),
  });
  assert.equal(response.status, 200);
  const completion = await response.json();
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.choices[0].message.role, 'assistant');
  assert.match(completion.choices[0].message.content, /^Server-sent events let a server push/);
});

test('a five-step scenario from /api/scenarios reaches an EventSource client in order', async (t) => {
  const channel = 'timed';
  const es = openStream(new URL(`events?channel=${channel}`, server.url));
  streams.push(es);
  await waitFor(() => es.states.includes('open'), { what: 'the stream to open' });
  await waitFor(async () => (await server.clients()).some((c) => c.channels.includes(channel)), {
    what: 'the subscriber',
  });
  const steps = [1, 2, 3, 4, 5].map((n) => JSON.stringify({ delay: 200, event: 'step', data: { n } }));
  const response = await fetch(new URL(`api/scenarios?channel=${channel}`, server.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-ndjson' },
    body: `${steps.join('\n')}\n`,
  });
  assert.equal(response.status, 201);
  const { id } = await response.json();
  const arrivals = [];
  await waitFor(
    () => {
      while (arrivals.length < es.recorded.length) arrivals.push(performance.now());
      return es.recorded.length >= 5;
    },
    { interval: 1, what: 'five steps' },
  );
  assert.deepEqual(
    es.recorded.map((e) => [e.type, JSON.parse(e.data).n]),
    [1, 2, 3, 4, 5].map((n) => ['step', n]),
  );
  // The gaps are reported, not asserted: timing is measured by bench/scenario-timing.
  t.diagnostic(`gaps ms: ${arrivals.slice(1).map((a, i) => (a - arrivals[i]).toFixed(1)).join(', ')}`);
  await waitFor(async () => !(await getJson(server.url, 'api/scenarios')).some((s) => s.id === id), {
    what: 'the playback to finish',
  });
});
