/**
 * One client of the server crash harness (server-crash-harness.mjs), as a
 * process of its own: an operator who starts instances and completes their
 * steps through the API, over and over, with an Idempotency-Key on every
 * change. When the server goes away in the middle of a request (it is
 * SIGKILLed), the client waits until the harness says a new server is up,
 * and sends the same request again with the same key, as a script should:
 * it keeps sending until it gets an answer. It tells the harness, over the
 * IPC channel, each change it is about to send and each one acknowledged.
 *
 * No timers: it waits only for answers and for the harness's messages.
 * Plain JavaScript, node:http with a new connection per request (a pooled
 * connection to a killed server would fail once more for nothing).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';

const { TOKEN, SOP, BIG } = process.env;
const big = BIG ? randomBytes(Number(BIG)) : undefined;

let url;
let generation = 0;
let stopping = false;
const waiting = [];
/** Resolves once a server newer than generation `after` is up. */
const serverAfter = (after) => (generation > after ? Promise.resolve() : new Promise((resolve) => waiting.push({ after, resolve })));

process.on('message', (m) => {
  if (m.type === 'up') {
    url = m.url;
    generation = m.generation;
    for (const w of waiting.splice(0)) {
      if (generation > w.after) w.resolve();
      else waiting.push(w);
    }
  } else if (m.type === 'stop') stopping = true;
});

function send(method, path, body, key) {
  return new Promise((resolve, reject) => {
    const target = new URL(`${url}/api/v1${path}`);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      target,
      {
        method,
        agent: false,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          ...(key ? { 'idempotency-key': key } : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Sends until the server answers: the same request, the same key, after every failure of the connection. */
async function answered(method, path, body, key) {
  for (;;) {
    const sentTo = generation;
    try {
      const r = await send(method, path, body, key);
      if (r.status >= 500 && r.body?.code === 'store.busy') continue;
      return r;
    } catch {
      if (key) process.send({ type: 'retry', key });
      await serverAfter(sentTo);
    }
  }
}

function fail(what, r) {
  process.send({ type: 'error', message: `${what}: ${r.status} ${JSON.stringify(r.body)}` });
  process.exit(1);
}

async function run() {
  await serverAfter(0);
  let instance;
  while (!stopping) {
    if (!instance) {
      const key = randomUUID();
      process.send({ type: 'sending', key });
      const r = await answered('POST', '/instances', { sop: SOP, title: `Uji ${key.slice(0, 8)}` }, key);
      if (r.status !== 201) fail('start', r);
      instance = r.body.id;
      process.send({ type: 'ack', kind: 'start', key, instance });
      continue;
    }
    const st = await answered('GET', `/instances/${instance}`);
    if (st.status !== 200) fail('status', st);
    const step = st.body.current[0];
    if (!step) {
      instance = undefined;
      continue;
    }
    const outputs = step.outputs.map((o, i) =>
      o.sensitive
        ? { id: o.id, text: `Rahasia-${randomBytes(6).toString('hex')}`, protected: true }
        : big && i === 0 && Math.random() < 0.3
          ? { id: o.id, base64: big.toString('base64') }
          : { id: o.id, text: `${o.name} ${randomBytes(8).toString('hex')}` },
    );
    // Through its loop more often than not: instances run long, with many advances each.
    const choice = step.choices.length ? (Math.random() < 0.6 ? step.choices[0] : step.choices[1]) : undefined;
    const key = randomUUID();
    process.send({ type: 'sending', key });
    const r = await answered('POST', `/instances/${instance}/advance`, { step: step.step, outputs, ...(choice ? { choice } : {}) }, key);
    if (r.status !== 200 || r.body.completed !== step.step) fail(`advance ${instance} ${step.step}`, r);
    process.send({ type: 'ack', kind: 'advance', key, instance, step: step.step, version: r.body.status.version });
  }
  process.send({ type: 'done' });
  process.disconnect();
}

void run();
