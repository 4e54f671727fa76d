// End-to-end: the zoo in the page — the layer table, totals and diagram of a chosen network agree
// with the description (read back through the native `atlas summary --json`) and with torchvision
// (../shared/reference).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openAtlas, screenshot } from './harness.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
function summary(model) {
  const out = execFileSync('cargo', ['run', '--release', '--quiet', '--bin', 'atlas', '--', 'summary', model, '--json'],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  return JSON.parse(out);
}

/// torchvision's figures for `model` (../shared/reference).
function reference(model) {
  const file = path.resolve(root, '..', 'shared', 'reference', `${model}.json`);
  assert.ok(fs.existsSync(file), `missing ${file} (these checks need ../shared)`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/// Every torchvision module of `model` that holds parameters is a row of the page's table with
/// torchvision's count.
async function rowsHaveTorchvisionsParams(model) {
  const want = reference(model).layers.filter((l) => l.params > 0);
  const shown = Object.fromEntries(await page.getByTestId('layer-row').evaluateAll(
    (rows) => rows.map((r) => [r.dataset.layer, r.dataset.params])));
  const wrong = want.filter((l) => shown[l.name] !== String(l.params))
    .map((l) => `${l.name}: ${shown[l.name]} shown, torchvision ${l.params}`);
  assert.deepEqual(wrong, [], `${model}: rows against torchvision`);
  return want.length;
}

let atlas, server, page, errors;
before(async () => {
  atlas = await openAtlas();
  ({ server, page, errors } = atlas);
});
after(() => atlas?.close());

async function choose(model) {
  await page.locator(`[data-testid=model-entry][data-model=${model}]`).click();
  await page.waitForSelector(`[data-testid=main-view][data-model=${model}] [data-testid=layer-table]`);
}

test('resnet50: 25,557,032 params and 4,089,184,256 MACs, every layer listed', async () => {
  await choose('resnet50');
  assert.equal(await page.getByTestId('total-params').innerText(), '25,557,032');
  assert.equal(await page.getByTestId('total-macs').innerText(), '4,089,184,256');
  const s = summary('resnet50');
  const rows = page.getByTestId('layer-row');
  assert.equal(await rows.count(), s.layers.length);
  const first = rows.first();
  assert.equal(await first.getAttribute('data-layer'), 'conv1');
  assert.equal(await first.getAttribute('data-params'), '9408');
  assert.match(await first.innerText(), /64×112×112/);
  assert.equal(await rowsHaveTorchvisionsParams('resnet50'), 107, "ResNet-50's 53 convolutions, 53 norms and fc");
  // Every layer of the diagram shows the four projection shortcuts and sixteen additions.
  const diagram = page.getByTestId('network-diagram');
  await page.getByTestId('diagram-every-layer').click();
  assert.equal(await diagram.locator('[data-testid=diagram-node][data-layer$="downsample.0"]').count(), 4);
  assert.equal(await diagram.locator('[data-testid=diagram-node][data-kind=merge]').count(), 16);
  await screenshot(page, 'zoo-resnet50');
  // Clicking a box selects its row.
  await diagram.locator('[data-testid=diagram-node][data-layer="layer3.0.downsample.0"]').click();
  assert.equal(await page.locator('tr.layer-row.selected').getAttribute('data-layer'), 'layer3.0.downsample.0');
  assert.deepEqual(errors(), []);
});

test('vgg16: the first FC layer is marked heavy with 102,764,544 of 138,357,544 params', async () => {
  await choose('vgg16');
  assert.equal(await page.getByTestId('total-params').innerText(), '138,357,544');
  const fc6 = page.locator('tr.layer-row[data-layer="classifier.0"]');
  assert.equal(await fc6.getAttribute('data-params'), '102764544');
  assert.match(await fc6.getAttribute('class'), /heavy/);
  assert.match(await fc6.innerText(), /74\.3%/);
  await screenshot(page, 'zoo-vgg16');
  assert.deepEqual(errors(), []);
});

test('googlenet: Inception branches side by side, merged by concatenation', async () => {
  await choose('googlenet');
  const diagram = page.getByTestId('network-diagram');
  await page.getByTestId('diagram-every-layer').click();
  assert.equal(await diagram.locator('[data-testid=diagram-node][data-kind=merge]').count(), 9);
  assert.equal(await page.getByTestId('total-params').getAttribute('data-value'),
    String(reference('googlenet').total_params));
  await rowsHaveTorchvisionsParams('googlenet');
  await screenshot(page, 'zoo-googlenet');
  assert.deepEqual(errors(), []);
});

test('every network of the picker shows its table and diagram without errors', async () => {
  const ids = await page.getByTestId('model-entry').evaluateAll((els) => els.map((e) => e.dataset.model));
  for (const id of ids) {
    await choose(id);
    assert.ok(await page.getByTestId('layer-row').count() > 5, `${id} has rows`);
    assert.ok(await page.getByTestId('network-diagram').locator('[data-testid=diagram-node], [data-testid=diagram-block], [data-testid=diagram-group]').count() > 3, `${id} has a diagram`);
  }
  assert.deepEqual(errors(), []);
});

test('a network chosen from deep in another opens at its top', async () => {
  await choose('resnet152');
  // Far down ResNet-152's layer table.
  await page.getByTestId('layer-row').last().scrollIntoViewIfNeeded();
  const scrolled = await page.evaluate(() => document.getElementById('main').scrollTop + window.scrollY);
  assert.ok(scrolled > 1000, `the page scrolled only ${scrolled} px`);
  await choose('squeezenet1_1');
  assert.equal(await page.evaluate(() => document.getElementById('main').scrollTop + window.scrollY), 0);
  const title = await page.locator('[data-testid=main-view] h2').first().boundingBox();
  assert.ok(title && title.y >= 0 && title.y < 300, `the title is at ${title?.y}`);
  assert.deepEqual(errors(), []);
});
