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

/** A static page the gateway serves: its mount path, its name in messages and how to build it. */
export interface StaticPage {
  readonly mount: string;
  readonly name: string;
  readonly build: string;
  readonly csp: string;
}

export const CONSOLE_PAGE: StaticPage = { mount: '/console', name: 'The finance console', build: 'npx tsx lib/console/build.ts', csp: CONSOLE_CSP };

/**
 * The customer portal (`lib/portal`), at `/pay`: its pay link travels in the URL's fragment and
 * is sent only to the API; the page loads nothing from elsewhere and may be framed by nobody.
 */
export const PORTAL_PAGE: StaticPage = {
  mount: '/pay',
  name: 'The customer portal',
  build: 'npx tsx lib/portal/build.ts',
  csp: "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src *; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

/** Answers a request under the page's mount path (default: the console at `/console`) from `dir`; false when the path is not the page's. */
export function serveConsole(req: IncomingMessage, res: ServerResponse, dir: string, staticPage: StaticPage = CONSOLE_PAGE): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const mount = staticPage.mount;
  if (url.pathname !== mount && !url.pathname.startsWith(`${mount}/`)) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end(`${staticPage.name} is static: GET only`);
    return true;
  }
  // Relative asset URLs need the trailing slash.
  if (url.pathname === mount) {
    res.writeHead(301, { location: `${mount}/${url.search}` });
    res.end();
    return true;
  }
  if (!existsSync(join(dir, 'index.html'))) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`${staticPage.name} is not built yet: \`npm start\` builds it, or run \`${staticPage.build}\`.`);
    return true;
  }
  const root = resolve(dir);
  let relativePath: string;
  try {
    relativePath = decodeURIComponent(url.pathname.slice(`${mount}/`.length)) || 'index.html';
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
    ...(isIndex ? { 'content-security-policy': staticPage.csp } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
