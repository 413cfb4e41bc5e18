/**
 * The finance console's static files, served by the local gateway at `/console` (no credential:
 * the page asks for the finance key and sends it with every API call). Only files inside the
 * build folder are served.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * What the page may do: its own scripts only; calls to any API address (the console may talk to a
 * deployed stack); inline styles (charts, the invoice preview) and data: fonts (the invoice font).
 */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src *; frame-src 'self' blob: data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Answers a request under `/console` from `dir`; false when the path is not the console's. */
export function serveConsole(req: IncomingMessage, res: ServerResponse, dir: string): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/console' && !url.pathname.startsWith('/console/')) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end('The console is static: GET only');
    return true;
  }
  // Relative asset URLs need the trailing slash.
  if (url.pathname === '/console') {
    res.writeHead(301, { location: `/console/${url.search}` });
    res.end();
    return true;
  }
  if (!existsSync(join(dir, 'index.html'))) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The finance console is not built yet: `npm start` builds it, or run `npx tsx lib/console/build.ts`.');
    return true;
  }
  const root = resolve(dir);
  let relativePath: string;
  try {
    relativePath = decodeURIComponent(url.pathname.slice('/console/'.length)) || 'index.html';
  } catch {
    relativePath = '';
  }
  const file = resolve(root, relativePath);
  if (!relativePath || (file !== root && !file.startsWith(root + sep)) || !existsSync(file) || !statSync(file).isFile() || relativePath.startsWith('.')) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found');
    return true;
  }
  const body = readFileSync(file);
  const isIndex = relativePath === 'index.html';
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': String(body.length),
    // Built assets carry a content hash in their names; the page itself is always checked.
    'cache-control': isIndex ? 'no-cache' : 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...(isIndex ? { 'content-security-policy': CONSOLE_CSP } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
