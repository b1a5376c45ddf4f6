// Shared helpers of the bench scripts: the result file xtask reads, HTTP on
// loopback without decoding (to count what the server really sends), and the
// gzip/brotli sizes of a body.
//
// The result file is plain text, one record a line, fields separated by tabs:
//   value    KEY  NUMBER          one measurement
//   samples  KEY  N1,N2,...       repeated measurements (xtask computes the
//                                 median and percentiles)
//   note     KEY  TEXT            how something was measured, or why not
// xtask (std-only Rust) parses it; it never has to read JSON.
import { appendFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import zlib from 'node:zlib';

export class Results {
  constructor(path) {
    this.path = path;
    writeFileSync(path, '');
  }

  #line(kind, key, text) {
    const clean = String(text).replace(/[\t\r\n]+/g, ' ');
    appendFileSync(this.path, `${kind}\t${key}\t${clean}\n`);
  }

  value(key, number) {
    if (Number.isFinite(number)) this.#line('value', key, number);
  }

  samples(key, numbers) {
    const finite = numbers.filter(Number.isFinite);
    if (finite.length > 0) this.#line('samples', key, finite.map((n) => +n.toFixed(3)).join(','));
  }

  note(key, text) {
    this.#line('note', key, text);
  }
}

/** Reads a required environment variable. */
export function env(name, fallback) {
  const value = process.env[name] ?? fallback;
  if (value === undefined) {
    console.error(`${name} is not set: run this through \`cargo xtask bench\``);
    process.exit(2);
  }
  return value;
}

/**
 * gzip -9 and brotli quality 11 (the largest window; the smallest of the
 * encoder's own block size and 2^16, 2^17, as xtask's `BROTLI_BEST` and the
 * server's precompressed files) of a buffer, in bytes. Ours and the baseline
 * are measured alike.
 */
export function compressedSizes(body) {
  const brotli = Math.min(
    ...[0, 16, 17].map(
      (lgblock) =>
        zlib.brotliCompressSync(body, {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
            [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
            [zlib.constants.BROTLI_PARAM_LGBLOCK]: lgblock,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        }).length,
    ),
  );
  return { gzip: zlib.gzipSync(body, { level: 9 }).length, brotli };
}

/** A keep-alive agent for loopback requests. */
export function agent(maxSockets = 256) {
  return new http.Agent({ keepAlive: true, maxSockets });
}

/**
 * One HTTP request; the body is NOT decoded, so `bytes` is what went over the
 * wire (after Content-Encoding). Resolves {status, headers, bytes, body}.
 */
export function request(url, { method = 'GET', headers = {}, body, agent: via } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const req = http.request(
      url,
      {
        method,
        agent: via,
        headers: {
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          resolve({ status: res.statusCode, headers: res.headers, bytes: raw.length, body: raw });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    if (payload) req.write(payload);
    req.end();
  });
}

/** POSTs JSON and parses the JSON answer (the server sends API JSON compressed only when asked). */
export async function postJson(url, body, { headers = {}, agent: via } = {}) {
  const res = await request(url, { method: 'POST', body, headers, agent: via });
  let json = null;
  try {
    json = JSON.parse(res.body.toString('utf8'));
  } catch {
    // left null: the caller reports the status
  }
  return { status: res.status, json };
}

/** Elapsed milliseconds since `start` (a performance.now() value). */
export function since(start) {
  return performance.now() - start;
}

/** `61.2 KB`: decimal units, as size budgets are quoted. */
export function kb(bytes) {
  return bytes < 1000 ? `${bytes} B` : `${(bytes / 1000).toFixed(1)} KB`;
}
