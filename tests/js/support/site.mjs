// The bundled portal in a real browser, for the browser suites: built for a loopback address,
// served by a small static server under the strict Content-Security-Policy of docs/deploy.md,
// and Debian's Chromium driven by playwright-core. Every request that would leave 127.0.0.1 is
// aborted and recorded; each suite asserts none was made.

import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const STYRE = process.env.STYRE_BIN || 'target/release/styre';
/** The strict policy of docs/deploy.md: the site must work under it. */
export const CSP = "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.xml': 'application/xml', '.svg': 'image/svg+xml' };

/**
 * Builds the portal and serves it; returns `{ base, out, page, close, outside }`. `page(options)`
 * opens a fresh context and page and collects page errors and console errors (every CSP
 * violation is one) in `errors`.
 */
export async function servePortal() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const out = mkdtempSync(join(tmpdir(), 'styre-browser-'));
  execFileSync(STYRE, ['build', '--base-url', base, '--output-dir', out], { stdio: 'inherit' });
  server.on('request', (req, res) => {
    let path = normalize(decodeURIComponent(new URL(req.url, base).pathname));
    if (path.endsWith('/')) path += 'index.html';
    const file = join(out, path);
    try {
      if (!file.startsWith(out) || !statSync(file).isFile()) throw new Error('not found');
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] || 'application/octet-stream',
        'content-security-policy': CSP,
      });
      res.end(readFileSync(file));
    } catch {
      // The 404 page of the language the address is in (`/en/404.html`), as docs/deploy.md
      // tells servers to do, else the default language's.
      const prefix = path.split('/')[1];
      let page = join(out, '404.html');
      try {
        if (prefix && statSync(join(out, prefix, '404.html')).isFile()) page = join(out, prefix, '404.html');
      } catch { /* no such language */ }
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP });
      res.end(readFileSync(page));
    }
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const outside = [];

  async function page(options = {}) {
    const context = await browser.newContext(options);
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname !== '127.0.0.1') {
        outside.push(url.href);
        return route.abort();
      }
      return route.continue();
    });
    const p = await context.newPage();
    const errors = [];
    p.on('pageerror', (e) => errors.push(String(e)));
    // Console errors include every Content-Security-Policy violation ("Refused to …").
    p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    return { p, errors, context };
  }

  async function close() {
    await browser.close();
    server.close();
    rmSync(out, { recursive: true, force: true });
  }

  return { base, out, page, close, outside };
}

/**
 * For a suite: the portal served before its tests and closed after them, asserting no request
 * left 127.0.0.1. The returned object gets `servePortal`'s fields once the suite starts.
 */
export function usePortal() {
  const site = {};
  before(async () => {
    Object.assign(site, await servePortal());
  });
  after(async () => {
    await site.close?.();
    assert.deepEqual(site.outside, [], 'no request leaves 127.0.0.1');
  });
  return site;
}
