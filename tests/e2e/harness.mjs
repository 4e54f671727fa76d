// Shared end-to-end harness: serves the release build (dist/) on loopback, launches Debian's
// Chromium through playwright-core with the flags ../shared/SETUP.md measured, fails on any console
// error or page error, and saves screenshots under target/e2e/.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { chromium } from 'playwright-core';

const root = path.resolve(import.meta.dirname, '..', '..');
// The release build the tests serve: dist/, or E2E_DIST (another build, to compare two pages).
export const dist = process.env.E2E_DIST ? path.resolve(process.env.E2E_DIST) : path.join(root, 'dist');
export const shotDir = path.join(root, 'target', 'e2e');

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.svg': 'image/svg+xml',
  '.safetensors': 'application/octet-stream', '.txt': 'text/plain; charset=utf-8',
};

/** Serves dist/ on 127.0.0.1 at a free port; records every request path. `routes` maps a path
 *  to a handler `(req, res)` for what dist/ does not hold (e.g. a remote checkpoint). */
export async function serveDist({ routes = {} } = {}) {
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new Error(`no release build at ${dist}: run 'trunk build --release' first (make test does)`);
  }
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    requests.push(url.pathname);
    if (routes[url.pathname]) { routes[url.pathname](req, res); return; }
    let file = path.normalize(path.join(dist, decodeURIComponent(url.pathname)));
    if (!file.startsWith(dist)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) { res.writeHead(404).end('not found'); return; }
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, requests, close: () => new Promise((ok) => server.close(ok)) };
}

/** Launches headless Chromium; `webgpu: false` leaves WebGPU off, as in a browser without it;
 *  `viewport` and `touch` make it a phone or a tablet. */
export async function launch({ webgpu = true, viewport = { width: 1360, height: 900 }, touch = false } = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-e2e-'));
  const args = [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage',
  ];
  if (webgpu) args.push('--enable-unsafe-webgpu');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true, args, viewport, hasTouch: touch, isMobile: touch,
  });
  // The profile (with whatever the Cache API kept: a gigabyte of weights in weights.test.mjs)
  // goes with the browser.
  const close = context.close.bind(context);
  context.close = async (...args) => {
    await close(...args);
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return context;
}

/** Opens a page that records console errors and page errors; `errors()` returns them. */
export async function openPage(context, url) {
  const page = context.pages()[0] ?? await context.newPage();
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('response', (res) => { if (res.status() >= 400) errors.push(`HTTP ${res.status()} for ${res.url()}`); });
  page.on('worker', (worker) => worker.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`worker console: ${msg.text()}`);
  }));
  await page.goto(url);
  return { page, errors: () => errors };
}

/** The usual start of a test file: dist/ served, Chromium launched (`options` as for `launch`),
 *  the page opened at `query` with its picker drawn. `close()` ends both. */
export async function openAtlas({ query = '', ...options } = {}) {
  const server = await serveDist();
  const context = await launch(options);
  const { page, errors } = await openPage(context, server.url + query);
  await page.getByTestId('model-picker').waitFor();
  return { server, context, page, errors, close: async () => { await context.close(); await server.close(); } };
}

/** Saves the whole page (or, with `fullPage: false`, what the screen shows) as target/e2e/NAME.png. */
export async function screenshot(page, name, { fullPage = true } = {}) {
  fs.mkdirSync(shotDir, { recursive: true });
  const file = path.join(shotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** Runs axe-core (node_modules/axe-core) on the page as it is now; returns its violations, one
 *  line each with the elements it names. */
export async function audit(page) {
  const axe = path.join(root, 'node_modules', 'axe-core', 'axe.min.js');
  if (!fs.existsSync(axe)) throw new Error(`missing ${axe}: run 'npm ci' (make test does)`);
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: axe });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 4)
      .map((n) => n.target.join(' ')).join(' | ')}${v.nodes.length > 4 ? ` and ${v.nodes.length - 4} more` : ''}`);
  });
}

/** Opens every folded `<details>`, so that an audit or a scan sees what it holds, and waits for
 *  what the weights manager reads when it opens (the storage estimate comes a moment after). */
export async function openAllDetails(page) {
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
  await page.waitForFunction(() => {
    const estimate = document.querySelector('[data-testid=weights-manager] [data-testid=storage-estimate]');
    return !estimate || /MiB/.test(estimate.textContent);
  }, null, { timeout: 10_000 });
}

/** Opens a checkpoint file in the photo lab and waits until the lab says that file is loaded. A
 *  load in flight (the copy shipped with the page, which SqueezeNet 1.1 fetches when it opens)
 *  is let finish first; once the reader has asked for weights, the shipped copy is not fetched. */
export async function openWeightsFile(page, file, { timeout = 120_000 } = {}) {
  await page.waitForSelector('[data-testid=weights-input]:not([disabled])', { timeout });
  await page.getByTestId('weights-input').setInputFiles(file);
  const name = typeof file === 'string' ? path.basename(file) : file.name;
  await page.waitForFunction((n) => document.querySelector('[data-testid=weights-loaded]')?.textContent.includes(n),
    name, { timeout });
}
