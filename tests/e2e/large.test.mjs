// End-to-end: VGG-16 in a tab. A full-size VGG-16 checkpoint (the deterministic splitmix-v1
// weights, 138,357,544 values, written by `atlas splitmix`) is opened in the page: the size is
// stated before anything loads, loading shows progress, the worker's memory is measured and
// stated, a photo is classified as the native command line classifies it with the same
// checkpoint, and the page answers while the network runs; the kernel panel
// then shows the first block's stacked 3×3 convolutions on that photo, layer by layer. A VGG-13
// opened next takes the held networks past the worker's bound: VGG-16 is unloaded and the page
// says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serveDist, launch, openPage, screenshot } from './harness.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
let server, context, page, errors, dir, file, file13, native;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-large-'));
  file = path.join(dir, 'vgg16.safetensors');
  file13 = path.join(dir, 'vgg13.safetensors');
  for (const [model, out] of [['vgg16', file], ['vgg13', file13]]) {
    execFileSync('cargo', ['run', '--release', '--quiet', '--bin', 'atlas', '--', 'splitmix', model, '--out', out],
      { cwd: root, stdio: 'inherit' });
  }
  // The top-5 the native command line gives for the same checkpoint and photo (the packed
  // engine, prepared as the page prepares it).
  native = JSON.parse(execFileSync('cargo', ['run', '--release', '--quiet', '--bin', 'atlas', '--', 'classify', 'vgg16',
    path.join(root, 'static', 'photos', 'coffee.png'), '--weights', file, '--json'],
  { cwd: root, encoding: 'utf8' }))[0].top5;
  server = await serveDist();
  context = await launch();
  ({ page, errors } = await openPage(context, server.url));
  await page.getByTestId('model-picker').waitFor();
});
after(async () => {
  await context?.close(); await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('vgg16: 527.8 MiB stated up front, loaded with progress, memory stated, photo classified', async () => {
  await page.locator('[data-testid=model-entry][data-model=vgg16]').click();
  const panel = page.getByTestId('weights-panel');
  await panel.waitFor();
  assert.match(await panel.innerText(), /138,357,544 parameters, a 527\.8 MiB checkpoint in f32 \(263\.9 MiB in f16\)/);
  await page.getByTestId('weights-input').setInputFiles(file);
  await page.getByTestId('load-progress').waitFor();
  const ready = page.getByTestId('weights-loaded');
  await ready.waitFor({ timeout: 180_000 });
  const held = Number((await ready.innerText()).match(/holds ([\d.]+) MiB/)[1]);
  assert.ok(held > 527.8, `the worker holds ${held} MiB, less than the weights themselves`);
  await page.locator('[data-testid=sample-photo][data-photo="coffee.png"]').click();
  // While the worker runs VGG-16 the page still answers (its main thread is not the worker's).
  await page.waitForSelector('[data-testid=photo-lab][data-status="running the network…"]');
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid=photo-status]').textContent), 'running the network…');
  const top5 = page.locator('[data-testid=top5][data-photo="coffee.png"]');
  await top5.waitFor({ timeout: 180_000 });
  const rows = await top5.getByTestId('top5-row').evaluateAll((rs) => rs.map((r) => ({
    index: Number(r.dataset.index), prob: Number(r.dataset.prob) })));
  assert.equal(rows.length, 5);
  assert.equal(rows[0].index, native[0].index, `the page's top class: ${JSON.stringify(rows)}`);
  rows.forEach((r, i) => assert.ok(Math.abs(r.prob - native[i].prob) <= 1e-3,
    `rank ${i + 1}: the page ${r.prob}, natively ${native[i].prob}`));
  assert.match(await page.getByTestId('timing').innerText(), /forward pass \d+ ms .* worker memory [\d.]+ MiB/);
  await page.getByTestId('feature-map').first().waitFor({ timeout: 60_000 });
  await top5.scrollIntoViewIfNeeded();
  await screenshot(page, 'photo-vgg16-in-a-tab');
  // The kernel panel shows the first block's two stacked 3×3 convolutions on this photo.
  const layers = page.getByTestId('first-block-layer');
  await layers.first().locator('[data-testid=feature-map]').first().waitFor({ timeout: 120_000 });
  await layers.nth(1).locator('[data-testid=feature-map]').first().waitFor({ timeout: 120_000 });
  const fields = await layers.evaluateAll((l) => l.map((x) => `${x.dataset.layer}:${x.dataset.rf}`));
  assert.deepEqual(fields, ['features.1:3', 'features.3:5']);
  await page.getByTestId('first-block').scrollIntoViewIfNeeded();
  await screenshot(page, 'vgg16-first-block');
  assert.deepEqual(errors(), []);
});

test('vgg13 after vgg16: beyond the bound the worker unloads VGG-16 and the page says so', async () => {
  await page.locator('[data-testid=model-entry][data-model=vgg13]').click();
  await page.waitForSelector('[data-testid=main-view][data-model=vgg13] [data-testid=photo-lab]');
  await page.getByTestId('weights-input').setInputFiles(file13);
  await page.waitForFunction(() => document.querySelector('[data-testid=weights-loaded]')?.textContent.includes('vgg13.safetensors'),
    null, { timeout: 180_000 });
  const notice = page.getByTestId('evicted-notice');
  await notice.waitFor({ timeout: 30_000 });
  // Least recently used first: LeNet-5 (the page's first network, 0.2 MiB) is not enough.
  assert.ok((await notice.getAttribute('data-models')).split(' ').includes('vgg16'), await notice.getAttribute('data-models'));
  assert.match(await notice.innerText(), /VGG-16/);
  await notice.scrollIntoViewIfNeeded();
  await screenshot(page, 'photo-evicted-vgg16');
  // Back on VGG-16 the lab asks for its weights again instead of running what is gone.
  await page.locator('[data-testid=model-entry][data-model=vgg16]').click();
  await page.waitForSelector('[data-testid=main-view][data-model=vgg16] [data-testid=photo-lab]');
  // Once the worker has answered what it holds, the panel says the weights are missing.
  await page.waitForSelector('[data-testid=weights-panel] [data-testid=weights-status][data-state=missing]', { timeout: 30_000 });
  assert.equal(await page.getByTestId('photo-lab').getAttribute('data-weights'), 'none');
  assert.deepEqual(errors(), []);
});
