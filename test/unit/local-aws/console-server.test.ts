/** The local gateway's console files: served from the build folder only, the page with its CSP. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, serveConsole } from '../../../local-aws/console';

let root: string;
let dist: string;
let server: Server;
let base: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'otc-console-'));
  dist = join(root, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dist, 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(join(dist, '.source-hash'), 'abc');
  writeFileSync(join(root, 'secret.txt'), 'not for the browser');
  server = createServer((req, res) => {
    if (!serveConsole(req, res, dist)) {
      res.writeHead(418);
      res.end('not the console');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

const get = (path: string, method = 'GET') => fetch(`${base}${path}`, { method, redirect: 'manual' });

describe('serveConsole', () => {
  it('redirects /console to /console/ (relative assets need the slash) and serves the page with its policy', async () => {
    const redirect = await get('/console?x=1');
    expect([redirect.status, redirect.headers.get('location')]).toEqual([301, '/console/?x=1']);
    const page = await get('/console/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('<title>console</title>');
  });

  it('serves built assets as immutable, with their type', async () => {
    const asset = await get('/console/assets/app-1234.js');
    expect([asset.status, asset.headers.get('content-type'), asset.headers.get('cache-control')]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
  });

  it('serves nothing outside the build folder, no dot files, and only GET', async () => {
    for (const path of ['/console/..%2fsecret.txt', '/console/.source-hash', '/console/missing.js', '/console/%E0%A4%A']) {
      expect((await get(path)).status, path).toBe(404);
    }
    // A dot-dot the URL parser resolves leaves /console altogether: the API's to answer.
    const resolved = await get('/console/%2e%2e/secret.txt');
    expect([resolved.status, await resolved.text()]).toEqual([418, 'not the console']);
    expect((await get('/console/', 'POST')).status).toBe(405);
  });

  it('leaves every other path to the API', async () => {
    expect((await get('/consoles')).status).toBe(418);
    expect((await get('/orders')).status).toBe(418);
  });

  it('says how to build the console when it is not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'otc-console-empty-'));
    const other = createServer((req, res) => void serveConsole(req, res, empty));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const address = other.address();
    const response = await fetch(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/console/`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm start');
    await new Promise((resolve) => other.close(resolve));
    rmSync(empty, { recursive: true, force: true });
  });
});
