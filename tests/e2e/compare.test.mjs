// End-to-end: the compare view. Two networks picked side by side show torchvision's exact
// parameter and multiply-add counts (../shared/reference), the depth their names give, stage bars
// that add up to the totals, and both receptive-field curves on one chart. The address holds the
// view: a reload or a shared link reopens it, back and forward move between views.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openAtlas, screenshot } from './harness.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
const reference = (m) => {
  const f = path.resolve(root, '..', 'shared', 'reference', `${m}.json`);
  if (!fs.existsSync(f)) throw new Error(`missing ${f} (../shared holds the test material)`);
  return JSON.parse(fs.readFileSync(f, 'utf8'));
};

let atlas, server, page, errors;
before(async () => {
  atlas = await openAtlas();
  ({ server, page, errors } = atlas);
});
after(() => atlas?.close());

async function metric(name) {
  const row = page.locator(`[data-testid=compare-table] tr[data-metric=${name}]`);
  return [Number(await row.getAttribute('data-a')), Number(await row.getAttribute('data-b'))];
}

test('two networks side by side: exact counts, depth, stages, receptive fields', async () => {
  await page.getByTestId('compare-entry').click();
  const view = page.getByTestId('compare-view');
  await view.waitFor();
  await page.getByTestId('compare-a').selectOption('resnet50');
  await page.getByTestId('compare-b').selectOption('densenet121');
  await page.waitForSelector('[data-testid=compare-view][data-a=resnet50][data-b=densenet121]');
  const [ra, rb] = [reference('resnet50'), reference('densenet121')];
  assert.deepEqual(await metric('params'), [ra.total_params, rb.total_params]);
  assert.deepEqual(await metric('macs'), [ra.total_macs, rb.total_macs]);
  assert.deepEqual(await metric('depth'), [50, 121]);
  assert.deepEqual(await metric('param-bytes'), [4 * ra.total_params, 4 * rb.total_params]);
  // Each network's stage bars add up to its totals.
  for (const [model, ref] of [['resnet50', ra], ['densenet121', rb]]) {
    for (const [what, total] of [['multiply-adds', ref.total_macs], ['parameters', ref.total_params]]) {
      const values = await page.locator(`[data-testid=stage-bar][data-model=${model}][data-what=${what}] [data-testid=stage]`)
        .evaluateAll((els) => els.map((e) => Number(e.dataset.value)));
      assert.ok(values.length >= 4, `${model} ${what}: ${values.length} stages`);
      assert.equal(values.reduce((a, b) => a + b, 0), total, `${model} ${what}`);
    }
  }
  // A stage reached with the keyboard reads its figures out under the bars.
  const readout = page.getByTestId('stage-readout');
  assert.match(await readout.innerText(), /Point at, tap or tab to a stage/);
  const first = page.locator('[data-testid=stage-bar][data-model=resnet50][data-what=parameters] [data-testid=stage]').first();
  await first.focus();
  const value = Number(await first.getAttribute('data-value'));
  const said = (await readout.innerText()).replace(/,/g, '');
  assert.match(said, /^ResNet-50 · .+ parameters \(\d+\.\d %\)$/);
  assert.ok(said.includes(`${value} parameters`), said);
  // Both networks on one receptive-field chart.
  const chart = page.getByTestId('rf-chart');
  await chart.waitFor();
  assert.match(await chart.innerText(), /ResNet-50/);
  assert.match(await chart.innerText(), /DenseNet-121/);
  await screenshot(page, 'compare-view');
  assert.deepEqual(errors(), []);
});

test('the address reopens a view; back and forward move between views', async () => {
  await page.goto(`${server.url}?view=resnet18`);
  await page.waitForSelector('[data-testid=main-view][data-model=resnet18]');
  assert.equal(await page.locator('[data-testid=model-entry][data-model=resnet18]').getAttribute('aria-pressed'), 'true');
  await page.locator('[data-testid=model-entry][data-model=vgg16]').click();
  await page.waitForSelector('[data-testid=main-view][data-model=vgg16]');
  assert.match(page.url(), /\?view=vgg16(&|$)/);
  await page.goBack();
  await page.waitForSelector('[data-testid=main-view][data-model=resnet18]');
  await page.goForward();
  await page.waitForSelector('[data-testid=main-view][data-model=vgg16]');
  // The compare page's pair is in the address too, and a reload lands on it.
  await page.getByTestId('compare-entry').click();
  await page.getByTestId('compare-a').selectOption('alexnet');
  await page.getByTestId('compare-b').selectOption('squeezenet1_0');
  await page.waitForSelector('[data-testid=compare-view][data-a=alexnet][data-b=squeezenet1_0]');
  assert.match(page.url(), /view=compare&a=alexnet&b=squeezenet1_0/);
  await page.reload();
  await page.waitForSelector('[data-testid=compare-view][data-a=alexnet][data-b=squeezenet1_0]');
  await page.goBack();
  await page.waitForSelector('[data-testid=compare-view][data-a=alexnet]:not([data-b=squeezenet1_0])');
  // Other parameters stay, and an address that names no network opens the first page.
  await page.goto(`${server.url}?backend=cpu&view=no_such_net`);
  await page.waitForSelector('[data-testid=main-view][data-model=lenet5]');
  await page.locator('[data-testid=model-entry][data-model=googlenet]').click();
  await page.waitForSelector('[data-testid=main-view][data-model=googlenet]');
  assert.match(page.url(), /\?backend=cpu&view=googlenet(&|$)/);
  assert.deepEqual(errors(), []);
});

test('the address holds the Inception module and step and the kernel comparison', async () => {
  await page.goto(`${server.url}?view=googlenet&module=inception4a&step=3`);
  const mod = page.getByTestId('inception-module');
  await page.waitForSelector('[data-testid=inception-module][data-module=inception4a][data-step="3"]');
  await page.getByTestId('inception-step-next').click();
  await page.waitForSelector('[data-testid=inception-module][data-step="4"]');
  assert.match(page.url(), /module=inception4a&step=4/);
  assert.equal(await mod.getAttribute('data-module'), 'inception4a');
  await page.reload();
  await page.waitForSelector('[data-testid=inception-module][data-module=inception4a][data-step="4"]');
  // A new view starts its panels afresh, and the kernel comparison is kept too.
  await page.goto(`${server.url}?view=vgg16&kernel=3x3x3&c=128&h=28`);
  await page.getByTestId('kernel-channels').waitFor();
  assert.equal(await page.getByTestId('kernel-channels').inputValue(), '128');
  assert.equal(await page.getByTestId('kernel-size').inputValue(), '28');
  assert.equal(await page.locator('[data-testid=kernel-toggle][data-stack="3x3x3"]').getAttribute('aria-pressed'), 'true');
  await page.getByTestId('kernel-channels').fill('256');
  await page.waitForFunction(() => /c=256/.test(location.search));
  await page.locator('[data-testid=model-entry][data-model=googlenet]').click();
  await page.waitForSelector('[data-testid=inception-module][data-module=inception3a][data-step="0"]');
  assert.doesNotMatch(page.url(), /kernel=|c=256/);
  assert.deepEqual(errors(), []);
});
