// `styre serve` in a real browser (Debian's Chromium): a copy of the bundled portal is served on
// loopback; a template typo shows the build error in an overlay a secretary can read (its own
// colours whatever the site's stylesheet says), the real cause first and alone, and fixing it
// reloads the page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const STYRE = process.env.STYRE_BIN || 'target/release/styre';

/** WCAG contrast ratio of two `rgb(…)` colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test('a template typo shows one readable error in the overlay; the fix reloads', async () => {
  const root = mkdtempSync(join(tmpdir(), 'styre-serve-'));
  for (const part of ['config.toml', 'content', 'themes', 'static']) cpSync(part, join(root, part), { recursive: true });
  const server = spawn(STYRE, ['serve', '--root', root, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const port = await new Promise((resolve, reject) => {
    server.stderr.on('data', (d) => {
      log += d;
      const m = log.match(/http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) resolve(m[1]);
    });
    server.on('exit', () => reject(new Error(`serve ended: ${log}`)));
    setTimeout(() => reject(new Error(`serve did not start: ${log}`)), 60000);
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const p = await browser.newPage();
    await p.goto(`http://127.0.0.1:${port}/veikart/`);
    const base = join(root, 'themes/styre/templates/base.html');
    const good = readFileSync(base, 'utf8');
    writeFileSync(base, good.replace('{{ t.skip_to_content }}', '{{ t.skip_to_content }'));
    const overlay = p.locator('#styre-build-error');
    await overlay.waitFor({ timeout: 30000 });
    const seen = await p.evaluate(() => {
      const root = document.getElementById('styre-build-error').shadowRoot;
      const box = root.querySelector('[role=alert]');
      const pre = root.querySelector('pre');
      const h1 = root.querySelector('h1');
      const bg = getComputedStyle(box).backgroundColor;
      return { text: pre.textContent, bg, fg: getComputedStyle(pre).color, title: getComputedStyle(h1).color, preBg: getComputedStyle(pre).backgroundColor };
    });
    assert.ok(contrast(seen.fg, seen.bg) >= 7, `text ${seen.fg} on ${seen.bg}`);
    assert.ok(contrast(seen.title, seen.bg) >= 4.5, `title ${seen.title} on ${seen.bg}`);
    assert.equal(seen.preBg, 'rgba(0, 0, 0, 0)', 'the site\'s pre background does not reach the overlay');
    // The cause first and alone; its consequences are one line under it.
    assert.match(seen.text, /^error: template syntax error\n\s+┌─ themes\/styre\/templates\/base\.html:\d+:\d+/, seen.text);
    assert.match(seen.text, /= help: \d+ pages could not be rendered because of this/);
    assert.equal(seen.text.match(/^error/gm).length, 1, seen.text);
    // Fixed: the page reloads and the overlay is gone.
    const reloaded = p.waitForEvent('load', { timeout: 30000 });
    writeFileSync(base, good);
    await reloaded;
    assert.equal(await p.locator('#styre-build-error').count(), 0);
    assert.match(await p.locator('h1').first().textContent(), /Veikart/);
  } finally {
    await browser.close();
    server.kill();
    rmSync(root, { recursive: true, force: true });
  }
});
