// Server load generator of `cargo xtask bench`: closed-loop clients over
// keep-alive HTTP/1.1 on loopback against the release server (its own fresh
// SQLite file: WAL, synchronous=FULL, as it always runs).
//   BENCH_URL    the server
//   CLIENTS      concurrency levels for session creation (default 1,16,64)
//   FLOW_CLIENTS concurrency levels for create + confirm flows (default 1,16,64)
//   SERVER_PID   the server's process id: its CPU time per operation is read
//                from /proc (optional)
//   DURATION_MS  length of each level (default 5000); MAX_REQUESTS caps it too
//   OUT          result file (format: lib.mjs)
// Each client sends its next request as soon as the previous one answered;
// every answer is checked (200 and the expected JSON), anything else counts
// as an error and is left out of the latency figures.
import { readFileSync } from 'node:fs';
import { Results, agent, env, postJson } from './lib.mjs';

const BASE = env('BENCH_URL');
const CLIENTS = env('CLIENTS', '1,16,64').split(',').map(Number);
const FLOW_CLIENTS = env('FLOW_CLIENTS', '1,16,64').split(',').map(Number);
const SERVER_PID = env('SERVER_PID', '');
const DURATION_MS = Number(env('DURATION_MS', '5000'));
const MAX_REQUESTS = Number(env('MAX_REQUESTS', '50000'));
const out = new Results(env('OUT'));

const createBody = {
  priceSlug: 'onboarding',
  successUrl: `${BASE}/success?session_id={CHECKOUT_SESSION_ID}`,
  cancelUrl: `${BASE}/cancel`,
};
const confirmBody = {
  email: 'bench@example.com',
  card: { number: '4242 4242 4242 4242', expMonth: 12, expYear: 2034, cvc: '123' },
};

async function create(via) {
  const res = await postJson(`${BASE}/api/billing/checkout-sessions/create`, createBody, { agent: via });
  const id = res.json?.data?.checkoutSession?.id;
  if (res.status !== 200 || !id) throw new Error(`create answered ${res.status}`);
  return id;
}

async function flow(via) {
  const id = await create(via);
  const res = await postJson(`${BASE}/api/checkout-sessions/${id}/confirm`, confirmBody, { agent: via });
  const session = res.json?.data?.checkoutSession ?? res.json?.checkoutSession;
  if (res.status !== 200 || session?.status !== 'succeeded') {
    throw new Error(`confirm answered ${res.status} (${session?.status ?? res.json?.error?.code ?? res.json?.code ?? 'no session'})`);
  }
}

/**
 * The server's user + system CPU time in ms (/proc/PID/stat fields 14 and
 * 15, in clock ticks of 10 ms: USER_HZ is 100 on Linux), or NaN.
 */
function serverCpuMs() {
  if (!SERVER_PID) return NaN;
  try {
    const stat = readFileSync(`/proc/${SERVER_PID}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count from after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Runs `clients` closed loops of `op` for `durationMs` (or MAX_REQUESTS); returns the figures. */
async function level(clients, op, durationMs = DURATION_MS) {
  const via = agent(clients);
  const latencies = [];
  const errors = new Map();
  let started = 0;
  const cpu = process.cpuUsage();
  const server0 = serverCpuMs();
  const t0 = performance.now();
  const deadline = t0 + durationMs;
  const loop = async () => {
    while (performance.now() < deadline && started < MAX_REQUESTS) {
      started++;
      const s = performance.now();
      try {
        await op(via);
        latencies.push(performance.now() - s);
      } catch (e) {
        errors.set(e.message, (errors.get(e.message) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu);
  const serverMs = serverCpuMs() - server0;
  via.destroy();
  return {
    serverCpuPerOp: latencies.length ? serverMs / latencies.length : NaN,
    latencies,
    seconds,
    rate: latencies.length / seconds,
    errors,
    clientCpu: (used.user + used.system) / 1e6 / seconds,
  };
}

function report(key, r) {
  out.value(`${key}.per_s`, r.rate);
  out.value(`${key}.count`, r.latencies.length);
  out.value(`${key}.seconds`, r.seconds);
  out.value(`${key}.errors`, [...r.errors.values()].reduce((a, b) => a + b, 0));
  out.value(`${key}.client_cpu`, r.clientCpu);
  out.value(`${key}.server_cpu_ms`, r.serverCpuPerOp);
  out.samples(`${key}.latency_ms`, r.latencies);
  if (r.errors.size > 0) {
    out.note(`${key}.errors`, [...r.errors].map(([m, n]) => `${n}× ${m}`).join('; '));
  }
  const sorted = [...r.latencies].sort((a, b) => a - b);
  const p = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1) : 'n/a');
  console.log(
    `    ${key}: ${r.rate.toFixed(0)}/s over ${r.seconds.toFixed(1)} s (${r.latencies.length} ok, ${r.errors.size ? [...r.errors.values()].reduce((a, b) => a + b, 0) : 0} errors), p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, load generator ${(r.clientCpu * 100).toFixed(0)}% of a core, server CPU ${r.serverCpuPerOp.toFixed(2)} ms per operation`,
  );
}

// Warm-up: connections, the server's statement cache, the page cache.
await level(4, create, 1000).then((r) => console.log(`    warm-up: ${r.latencies.length} creates`));

for (const clients of CLIENTS) {
  report(`server.create.c${clients}`, await level(clients, create));
}
for (const clients of FLOW_CLIENTS) {
  report(`server.flow.c${clients}`, await level(clients, flow));
}
out.value('server.duration_ms', DURATION_MS);
out.value('server.max_requests', MAX_REQUESTS);
