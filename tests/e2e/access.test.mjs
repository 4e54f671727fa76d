// End-to-end: phones, tablets and the keyboard. At 390×844 the networks' picker is a menu over
// the page and the main view is as wide as the screen; a digit drawn with a finger is recognised
// without scrolling the page; tables and diagrams scroll inside their boxes. From the keyboard: a
// skip link past the picker, arrow keys within it, focus visible. axe-core audits every view (in
// English and in 简体中文, on a desktop and on a phone, the photo lab with real SqueezeNet 1.1
// weights) and must find nothing. Screenshots of every view at 390×844 and 768×1024.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serveDist, launch, openPage, screenshot, audit, openAllDetails, openWeightsFile } from './harness.mjs';
import { DIGITS, place, drawByTouch } from './digits.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
const weightsFile = path.resolve(root, '..', 'shared', 'weights', 'squeezenet1_1.safetensors');
if (!fs.existsSync(weightsFile)) throw new Error(`missing ${weightsFile} (../shared holds the test material)`);

const VIEWS = ['lenet5', 'alexnet', 'vgg16', 'googlenet', 'resnet50', 'densenet121', 'squeezenet1_1',
  'nin', 'fractalnet', 'concepts', 'compare', 'train', 'onnx'];

const server = await serveDist();
const open = [];
after(async () => { for (const c of open) await c.close(); await server.close(); });

async function device(options) {
  const context = await launch(options);
  open.push(context);
  return openPage(context, server.url);
}

async function show(page, view, lang = 'en') {
  await page.goto(`${server.url}?view=${view}&lang=${lang}`);
  await page.waitForSelector(`[data-testid=main-view][data-model=${view}], [data-testid=compare-view]`);
  await page.waitForSelector('[data-testid=worker-status][data-state=ready]');
}

test('phone: the picker is a menu, the page is as wide as the screen, a finger draws a digit', async () => {
  const { page, errors } = await device({ viewport: { width: 390, height: 844 }, touch: true });
  await show(page, 'lenet5');
  const main = await page.locator('main').boundingBox();
  assert.ok(main.x <= 1 && main.width >= 389, `main view ${JSON.stringify(main)}`);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, 'nothing wider than the screen');
  // The picker is hidden until the menu opens; choosing a network closes it.
  assert.equal(await page.getByTestId('model-picker').isVisible(), false);
  await page.getByTestId('menu-toggle').click();
  await page.getByTestId('model-picker').waitFor();
  assert.equal(await page.getByTestId('menu-toggle').getAttribute('aria-expanded'), 'true');
  await page.waitForTimeout(300); // the menu slides in
  await screenshot(page, 'phone-menu', { fullPage: false });
  await page.locator('[data-testid=model-entry][data-model=lenet5_modern]').click();
  await page.waitForSelector('[data-testid=main-view][data-model=lenet5_modern]');
  await page.waitForFunction(() => !document.querySelector('[data-testid=model-picker]').checkVisibility({ visibilityProperty: true }));
  await page.waitForSelector('[data-testid=lenet-lab][data-status=ready]', { timeout: 30_000 });

  // The pad fills the width; a 3 drawn with a finger is read as 3, and the page did not scroll.
  const pad = page.getByTestId('digit-canvas');
  // The whole pad in view, as a finger draws on it.
  await pad.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const box = await pad.boundingBox();
  assert.ok(box.width >= 300, `pad ${box.width} px wide`);
  const before = await page.evaluate(() => window.scrollY);
  await drawByTouch(page, pad, place(DIGITS[3], { size: 210, cx: 140, cy: 140 }));
  await page.waitForFunction(() => document.querySelector('[data-testid=prediction]').textContent !== '–');
  await page.waitForSelector('[data-testid=lenet-lab][data-busy=false]');
  assert.equal(await page.getByTestId('prediction').innerText(), '3');
  assert.equal(await page.evaluate(() => window.scrollY), before, 'drawing scrolled the page');
  // The prediction is in view while the pad is: right under it, not below the previews.
  const said = await page.getByTestId('prediction').boundingBox();
  assert.ok(said.y >= 0 && said.y + said.height <= 844, `the prediction is at ${said.y} of 844`);
  await screenshot(page, 'phone-lenet-touch', { fullPage: false });
  // LeNet-5 as the paper has it: its C5 and F6 are vectors of 120 and 84 units, drawn in rows that
  // keep within the screen once a digit is read.
  await page.getByTestId('menu-toggle').click();
  await page.locator('[data-testid=model-entry][data-model=lenet5]').click();
  await page.waitForSelector('[data-testid=lenet-lab][data-status=ready]', { timeout: 30_000 });
  await page.getByTestId('digit-canvas').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await drawByTouch(page, page.getByTestId('digit-canvas'), place(DIGITS[3], { size: 210, cx: 140, cy: 140 }));
  await page.waitForSelector('[data-testid=lenet-lab][data-busy=false]');
  await page.locator('[data-testid=feature-map][data-layer=c5]').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, 'the vectors are wider than the screen');

  // A wide table scrolls inside its box, not the page.
  await show(page, 'resnet50');
  const wrap = page.getByTestId('layer-table-wrap').first();
  const [client, scroll] = await wrap.evaluate((el) => [el.clientWidth, el.scrollWidth]);
  assert.ok(scroll > client && client <= 390, `table box ${client} of ${scroll}`);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
  assert.deepEqual(errors(), []);
});

test('phone: with a photo classified and a layer open, every view is as wide as the screen', async () => {
  const { page, errors } = await device({ viewport: { width: 390, height: 844 }, touch: true });
  await show(page, 'squeezenet1_1');
  await page.waitForSelector('[data-testid=weights-loaded]', { timeout: 120_000 });
  await page.locator('[data-testid=sample-photo][data-photo="chelsea.png"]').click();
  await page.locator('[data-testid=top5][data-photo="chelsea.png"] [data-testid=top5-row]').first().waitFor({ timeout: 60_000 });
  const select = page.getByTestId('layer-select');
  await select.selectOption({ index: 4 });
  const enlarged = page.getByTestId('enlarged-map');
  await enlarged.waitFor({ timeout: 60_000 });
  await page.getByTestId('explorer-grid').locator('[data-testid=feature-map]').first().waitFor();
  const width = () => page.evaluate(() => document.documentElement.scrollWidth);
  assert.equal(await width(), 390, 'the photo lab with a layer open is wider than the screen');
  const s = await select.boundingBox();
  assert.ok(s.x >= 0 && s.x + s.width <= 390, `the layer select runs to ${s.x + s.width}`);
  // The thumbnails wrap under the enlarged map, across the width.
  const big = await enlarged.boundingBox();
  const grid = await page.getByTestId('explorer-grid').boundingBox();
  assert.ok(big.width >= 200 && big.x + big.width <= 390, `enlarged map ${JSON.stringify(big)}`);
  assert.ok(grid.y >= big.y + big.height - 1 && grid.width >= 300, `thumbnails ${JSON.stringify(grid)} under ${JSON.stringify(big)}`);
  await enlarged.scrollIntoViewIfNeeded();
  await screenshot(page, 'phone-layer-explorer', { fullPage: false });
  // Every view keeps within the screen with the photo classified (the menu opens each one).
  for (const view of VIEWS) {
    await page.getByTestId('menu-toggle').click();
    await page.locator(`[data-testid=sidebar] [data-model=${view}]`).first().click();
    await page.waitForSelector(`[data-testid=main-view][data-model=${view}], [data-testid=compare-view]`);
    await page.waitForTimeout(300);
    assert.equal(await width(), 390, `${view} with a photo classified is wider than the screen`);
  }
  assert.deepEqual(errors(), []);
});

test('keyboard: skip link, arrow keys in the picker, focus visible', async () => {
  const { page, errors } = await device();
  await show(page, 'lenet5');
  await page.keyboard.press('Tab');
  const skip = page.getByTestId('skip-link');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'skip-link');
  assert.ok((await skip.boundingBox()).y >= 0, 'the skip link shows when focused');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  // Arrow keys move between the picker's entries; Enter opens one.
  await page.locator('[data-testid=model-entry][data-model=lenet5]').focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.model), 'lenet5_modern');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.model), 'alexnet_paper');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('End');
  const last = await page.evaluate(() => document.activeElement.dataset.model);
  assert.equal(last, await page.locator('[data-testid=model-entry]').last().getAttribute('data-model'));
  await page.keyboard.press('Home');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'concepts-entry');
  // Concepts, Compare, Train, Open your own network, then the networks.
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=main-view][data-model=lenet5_modern]');
  // Focus is drawn: the focused entry has an outline.
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
  assert.deepEqual(errors(), []);
});

test('axe-core finds no violation in any view, in either language, on a desktop and a phone', async () => {
  const found = {};
  for (const [name, options] of [['desktop', {}], ['phone', { viewport: { width: 390, height: 844 }, touch: true }]]) {
    const { page, errors } = await device(options);
    for (const lang of ['en', 'zh']) {
      for (const view of VIEWS) {
        await show(page, view, lang);
        await openAllDetails(page);
        const v = await audit(page);
        if (v.length) found[`${name} ${lang} ${view}`] = v;
      }
    }
    // The photo lab with real weights, a classified photo, its layers and what it looks at.
    await show(page, 'squeezenet1_1');
    await openWeightsFile(page, weightsFile);
    await page.locator('[data-testid=sample-photo][data-photo="chelsea.png"]').click();
    await page.locator('[data-testid=top5][data-photo="chelsea.png"] [data-testid=top5-row]').first().waitFor({ timeout: 60_000 });
    await page.getByTestId('saliency-run').click();
    await page.getByTestId('saliency-map').waitFor({ timeout: 60_000 });
    const v = await audit(page);
    if (v.length) found[`${name} photo lab`] = v;
    assert.deepEqual(errors(), []);
  }
  assert.deepEqual(found, {});
});

test('screenshots of every view on a phone and a tablet', async () => {
  for (const [name, viewport] of [['390x844', { width: 390, height: 844 }], ['768x1024', { width: 768, height: 1024 }]]) {
    const { page, errors } = await device({ viewport, touch: true });
    for (const view of VIEWS) {
      await show(page, view);
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), viewport.width,
        `${view} at ${name} is wider than the screen`);
      await screenshot(page, `${name}-${view}`);
    }
    assert.deepEqual(errors(), []);
  }
});
