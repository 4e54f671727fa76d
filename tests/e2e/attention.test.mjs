// End-to-end: what the network looks at. With the real SqueezeNet 1.1 weights, a sample photo's
// occlusion map (Zeiler & Fergus 2014) is computed in the worker with progress, for the class the
// page shows first, and hiding part of the photo must cost that class probability; a finer map is
// cancelled part way; the gradient saliency map (Simonyan et al. 2014) is drawn for the same class.
// The compare view then runs the loaded network on the same crop (and says the other is not loaded).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openAtlas, screenshot, openWeightsFile } from './harness.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
const weightsFile = path.resolve(root, '..', 'shared', 'weights', 'squeezenet1_1.safetensors');
if (!fs.existsSync(weightsFile)) throw new Error(`missing ${weightsFile} (../shared holds the test material)`);

let atlas, server, page, errors;
before(async () => {
  atlas = await openAtlas();
  ({ server, page, errors } = atlas);
  await page.locator('[data-testid=model-entry][data-model=squeezenet1_1]').click();
  await openWeightsFile(page, weightsFile);
  await page.locator('[data-testid=sample-photo][data-photo="chelsea.png"]').click();
  await page.locator('[data-testid=top5][data-photo="chelsea.png"] [data-testid=top5-row]').first().waitFor({ timeout: 60_000 });
});
after(() => atlas?.close());

test('an occlusion map of a sample photo, with progress, for the top class', async () => {
  const top1 = Number(await page.getByTestId('top5-row').first().getAttribute('data-index'));
  const panel = page.getByTestId('attention-panel');
  await page.getByTestId('occlusion-patch').selectOption('48');
  await page.getByTestId('occlusion-stride').selectOption('24');
  assert.match(await panel.innerText(), /82 forward passes/); // 9 × 9 places and the whole photo
  await page.getByTestId('occlusion-run').click();
  const map = page.getByTestId('occlusion-map');
  await map.waitFor({ timeout: 120_000 });
  assert.equal(Number(await map.getAttribute('data-class')), top1);
  assert.equal(Number(await map.getAttribute('data-places')), 81);
  // Hiding the cat's face costs the cat class much of its probability.
  assert.ok(Number(await map.getAttribute('data-max-drop')) > 0.1, await map.getAttribute('data-max-drop'));
  assert.match(await map.innerText(), /grey 48×48 square every 24 pixels \(81 places/);
  await map.scrollIntoViewIfNeeded();
  await screenshot(page, 'attention-occlusion');
  assert.deepEqual(errors(), []);
});

test('a fine occlusion map shows its progress and can be cancelled', async () => {
  await page.getByTestId('occlusion-patch').selectOption('16');
  await page.getByTestId('occlusion-stride').selectOption('8');
  await page.getByTestId('occlusion-run').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=occlusion-progress]')?.value) > 0, null, { timeout: 60_000 });
  await page.getByTestId('occlusion-cancel').click();
  await page.waitForSelector('[data-testid=attention-panel][data-occlusion=cancelled]', { timeout: 60_000 });
  assert.match(await page.getByTestId('occlusion-status').innerText(), /Cancelled after \d+ of 729 places/);
  // The page still classifies.
  await page.locator('[data-testid=sample-photo][data-photo="coffee.png"]').click();
  await page.locator('[data-testid=top5][data-photo="coffee.png"] [data-testid=top5-row]').first().waitFor({ timeout: 60_000 });
  assert.deepEqual(errors(), []);
});

test('the saliency map of the top class', async () => {
  const top1 = Number(await page.getByTestId('top5-row').first().getAttribute('data-index'));
  await page.getByTestId('saliency-run').click();
  const map = page.getByTestId('saliency-map');
  await map.waitFor({ timeout: 120_000 });
  assert.equal(Number(await map.getAttribute('data-class')), top1);
  assert.match(await map.innerText(), /∂ score of “.+” \/ ∂pixel/);
  await map.scrollIntoViewIfNeeded();
  await screenshot(page, 'attention-saliency');
  assert.deepEqual(errors(), []);
});

test('the compare view runs both networks on the last photo where their weights are loaded', async () => {
  const top1 = Number(await page.getByTestId('top5-row').first().getAttribute('data-index'));
  const photo = await page.getByTestId('top5').getAttribute('data-photo');
  await page.getByTestId('compare-entry').click();
  await page.getByTestId('compare-a').selectOption('squeezenet1_1');
  await page.getByTestId('compare-b').selectOption('resnet18');
  // Both run when the pair is chosen, with no button pressed.
  const a = page.locator('[data-testid=compare-top5][data-model=squeezenet1_1]');
  const row = a.locator(`[data-testid=top5][data-photo="${photo}"] [data-testid=top5-row]`).first();
  await row.waitFor({ timeout: 60_000 });
  assert.equal(Number(await row.getAttribute('data-index')), top1);
  // The engine that ran it is said (headless Chromium's adapter is a software one: the CPU).
  assert.equal(await a.getByTestId('compare-engine').getAttribute('data-engine'), 'cpu');
  assert.equal(await a.getByTestId('compare-top5-running').count(), 0);
  const b = page.locator('[data-testid=compare-top5][data-model=resnet18] [data-testid=compare-top5-missing]');
  await b.waitFor({ timeout: 60_000 });
  assert.match(await b.innerText(), /weights are not loaded/);
  await screenshot(page, 'compare-top5');
  // The network without weights links to its photo lab, which opens in the page.
  await b.getByTestId('compare-open-lab').click();
  await page.waitForSelector('[data-testid=main-view][data-model=resnet18] [data-testid=photo-lab]');
  assert.deepEqual(errors(), []);
});

test('a link names the photo lab\'s layer and unit: the lab says what to load, then shows them', async () => {
  await page.goto(`${server.url}?view=squeezenet1_1&layer=features.3.expand3x3&unit=5.10.12`);
  const wants = page.getByTestId('link-wants');
  await wants.waitFor();
  assert.match(await wants.innerText(), /unit 5 at \(10, 12\) of layer features\.3\.expand3x3: load the weights and a photo/);
  await openWeightsFile(page, weightsFile);
  await page.locator('[data-testid=sample-photo][data-photo="chelsea.png"]').click();
  await page.locator('[data-testid=top5][data-photo="chelsea.png"] [data-testid=top5-row]').first().waitFor({ timeout: 60_000 });
  assert.equal(await wants.count(), 0);
  // The layer and the unit the link names: its receptive field (15×15 at stride 4) is drawn.
  const select = page.getByTestId('layer-select');
  assert.match(await select.locator('option:checked').innerText(), /features\.3\.expand3x3/);
  const mark = page.getByTestId('picked-unit').first();
  await mark.waitFor();
  assert.deepEqual([await mark.getAttribute('data-y'), await mark.getAttribute('data-x')], ['10', '12']);
  const box = page.getByTestId('rf-box');
  assert.equal(await box.getAttribute('data-rf'), '15');
  // Neighbouring units' fields are one jump (4 pixels) apart: the box sits 4 × (12 − 10) further right than down.
  assert.equal(Number(await box.getAttribute('data-x0')) - Number(await box.getAttribute('data-y0')), 8);
  // Choosing another layer writes it and drops the unit; picking a unit writes it.
  const other = await select.locator('option', { hasText: 'features.4.squeeze' }).first().getAttribute('value');
  await select.selectOption(other);
  await page.waitForFunction(() => /layer=features\.4\.squeeze(&|$)/.test(location.search) && !/unit=/.test(location.search));
  await page.getByTestId('feature-map').first().waitFor();
  const map = page.getByTestId('enlarged-map').locator('canvas');
  await map.scrollIntoViewIfNeeded();
  const b = await map.boundingBox();
  await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
  await page.waitForFunction(() => /unit=\d+\.27\.27(&|$)/.test(location.search));
  assert.deepEqual(errors(), []);
});
