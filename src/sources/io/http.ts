import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Small HTTP GET for meters and BMCs: a hard timeout, a size cap, credentials never echoed in reasons. */

/** Options for one request. */
export interface HttpOptions {
  timeoutMs: number;
  /** Basic-auth user and password (from environment variables; never printed). */
  auth?: { user: string; password: string };
  /** Accept self-signed certificates: only when the user asked for it. */
  insecure?: boolean;
  maxBytes?: number;
}

/** The outcome of a GET. */
export type HttpResult = { ok: true; status: number; body: string } | { ok: false; reason: string };

/** Returns the URL without credentials or query, safe to put in a reason. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** GETs a URL; never throws. */
export function httpGet(url: string, options: HttpOptions): Promise<HttpResult> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.resolve({ ok: false, reason: `not a URL: ${JSON.stringify(url.slice(0, 80))}` });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return Promise.resolve({ ok: false, reason: `only http and https URLs are supported, got ${parsed.protocol}` });
  }
  const maxBytes = options.maxBytes ?? 1 << 20;
  const request = parsed.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.auth) headers.authorization = `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64')}`;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: HttpResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = request(parsed, { method: 'GET', headers, ...(parsed.protocol === 'https:' ? { rejectUnauthorized: !options.insecure } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (b: Buffer) => {
        size += b.length;
        if (size > maxBytes) {
          req.destroy();
          done({ ok: false, reason: `${safeUrl(url)} answered more than ${maxBytes} bytes` });
        } else chunks.push(b);
      });
      res.on('end', () => done({ ok: true, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => done({ ok: false, reason: `${safeUrl(url)}: ${e.message}` }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ ok: false, reason: `${safeUrl(url)} gave no answer within ${options.timeoutMs} ms` });
    }, options.timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, reason: `${safeUrl(url)}: ${e.code ?? e.message}` }));
    req.end();
  });
}
