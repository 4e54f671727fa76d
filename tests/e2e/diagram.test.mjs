// End-to-end: long networks at a glance (and the Inception module's diagram on a phone). ResNet-152 and DenseNet-121 fit the diagram's panel on a
// desktop and on a phone as their stages, each labelled with its map size; a group opens into its
// blocks, a block into its layers, and a layer selects its row; "every layer" shows all of them,
// Ctrl + wheel zooms and the minimap moves the view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openAtlas, launch, openPage, shotDir } from './harness.mjs';

/** Saves the diagram's panel as target/e2e/NAME.png. */
async function shot(page, name) {
  fs.mkdirSync(shotDir, { recursive: true });
  const panel = page.getByTestId('diagram-panel');
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: path.join(shotDir, `${name}.png`) });
}

async function choose(page, model) {
  await page.locator(`[data-testid=model-entry][data-model=${model}]`).click();
  await page.waitForSelector(`[data-testid=main-view][data-model=${model}] [data-testid=diagram-panel][data-net=${model}]`);
}

/** The diagram's drawn width, its panel's inner width and the document's width. */
async function widths(page) {
  return page.evaluate(() => ({
    svg: document.querySelector('[data-testid=network-diagram]').getBoundingClientRect().width,
    panel: document.querySelector('[data-testid=diagram-wrap]').clientWidth,
    doc: document.documentElement.scrollWidth,
  }));
}

/** Each stage's label as drawn, in order. */
async function stageLabels(page) {
  return page.locator('[data-testid=diagram-stage][data-first=true]').evaluateAll((els) =>
    els.map((e) => [e.dataset.place, e.querySelector('text').textContent]));
}

let atlas, page, errors;
before(async () => {
  atlas = await openAtlas({ viewport: { width: 1400, height: 1000 } });
  ({ page, errors } = atlas);
});
after(() => atlas?.close());

test('resnet152: seven labelled stages fit the panel; ×36 opens to its blocks, a block to its layers', async () => {
  await choose(page, 'resnet152');
  const w = await widths(page);
  assert.ok(w.svg <= w.panel, `diagram ${w.svg} px in a ${w.panel} px panel`);
  assert.equal(w.doc, 1400);
  const stages = await stageLabels(page);
  assert.deepEqual(stages.map(([p]) => p), ['224×224', '112×112', '56×56', '28×28', '14×14', '7×7', 'vectors']);
  for (const [place, text] of stages) assert.ok(text.startsWith(place), `${place}: "${text}"`);
  const groups = page.getByTestId('diagram-group');
  assert.deepEqual(await groups.evaluateAll((els) => els.map((e) => e.dataset.repeat)), ['3', '8', '36', '3']);
  assert.match(await groups.nth(2).textContent(), /×36 bottleneck[\s\S]*1024→256→1024/);
  await shot(page, 'diagram-resnet152');

  await groups.nth(2).click();
  const blocks = page.getByTestId('diagram-block');
  assert.equal(await blocks.count(), 36);
  assert.equal(await blocks.first().getAttribute('data-block'), 'layer3.0');
  assert.equal(await blocks.last().getAttribute('data-block'), 'layer3.35');
  let after = await widths(page);
  assert.ok(after.svg <= after.panel, 'the opened stage still fits the width');

  await blocks.nth(0).click();
  const detail = page.locator('[data-testid=diagram-detail][data-block="layer3.0"]');
  assert.equal(await detail.getByTestId('diagram-node').count(), 5, 'three convolutions, the projection and the addition');
  await shot(page, 'diagram-resnet152-open');
  await detail.locator('[data-testid=diagram-node][data-layer="layer3.0.downsample.0"]').click();
  assert.equal(await page.locator('tr.layer-row.selected').getAttribute('data-layer'), 'layer3.0.downsample.0');

  // The bracket closes the 36 back into one box.
  await page.getByTestId('diagram-group-close').first().click();
  assert.equal(await page.locator('[data-testid=diagram-group][data-repeat="36"]').count(), 1);

  // Every layer: all 50 additions, still as wide as the panel; the minimap appears and moves the view.
  await page.getByTestId('diagram-every-layer').click();
  assert.equal(await page.locator('[data-testid=network-diagram] [data-testid=diagram-node][data-kind=merge]').count(), 50);
  after = await widths(page);
  assert.ok(after.svg <= after.panel);
  const minimap = page.getByTestId('diagram-minimap');
  await minimap.waitFor();
  const top0 = await page.getByTestId('diagram-wrap').evaluate((e) => e.scrollTop);
  const box = await minimap.boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height - 3);
  const top1 = await page.getByTestId('diagram-wrap').evaluate((e) => e.scrollTop);
  assert.ok(top1 > top0 + 100, `the minimap scrolled the diagram (${top0} → ${top1})`);

  // Ctrl + wheel zooms the diagram.
  const wrap = await page.getByTestId('diagram-wrap').boundingBox();
  await page.mouse.move(wrap.x + 200, wrap.y + 100);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, 300);
  await page.keyboard.up('Control');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=diagram-zoom]').dataset.zoom) < 0.9);
  await page.getByTestId('diagram-overview').click();
  assert.deepEqual(errors(), []);
});

test('the keyboard opens a group and a block and closes them; the focus stays on the boxes it opened', async () => {
  await choose(page, 'resnet50');
  const active = () => page.evaluate(() => {
    const a = document.activeElement;
    return [a?.dataset.testid, a?.dataset.block ?? a?.dataset.layer ?? a?.dataset.repeat];
  });
  const group = page.locator('[data-testid=diagram-group][data-repeat="4"]');
  await group.focus();
  await page.keyboard.press('Enter');
  // The ×4 opened: the focus is on its first block, not on whatever box took its place.
  await page.waitForFunction(() => document.activeElement?.dataset.block === 'layer2.0');
  assert.deepEqual(await active(), ['diagram-block', 'layer2.0']);
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=diagram-detail][data-block="layer2.0"]').waitFor();
  assert.ok(await page.evaluate(() => document.activeElement?.closest('[data-testid=diagram-detail]')?.dataset.block === 'layer2.0'),
    JSON.stringify(await active()));
  // Closing the block gives the focus back to it; the bracket closes the group onto its box.
  await page.locator('[data-testid=diagram-detail][data-block="layer2.0"] [data-testid=diagram-close]').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.dataset.block === 'layer2.0');
  assert.deepEqual(await active(), ['diagram-block', 'layer2.0']);
  await page.getByTestId('diagram-group-close').first().focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'diagram-group');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.repeat), '4');
  assert.deepEqual(errors(), []);
});

test('densenet121: dense blocks of 6, 12, 24 and 16 layers; an opened block runs its connections along a bus', async () => {
  await choose(page, 'densenet121');
  const w = await widths(page);
  assert.ok(w.svg <= w.panel);
  const stages = await stageLabels(page);
  assert.deepEqual(stages.map(([p]) => p), ['224×224', '112×112', '56×56', '28×28', '14×14', '7×7', 'vectors']);
  const groups = page.getByTestId('diagram-group');
  assert.deepEqual(await groups.evaluateAll((els) => els.map((e) => e.dataset.repeat)), ['6', '12', '24', '16']);
  assert.match(await groups.nth(0).textContent(), /×6 dense layer[\s\S]*64 \+ 6×32/);
  await groups.nth(0).click();
  const blocks = page.getByTestId('diagram-block');
  assert.equal(await blocks.count(), 6);
  // Layer k reads the k − 1 layers before its neighbour, and the block's concatenation reads all
  // six: 0+1+2+3+4+5 + 6 = 21 links along the bus; each closed block adds one (the maps that
  // enter it are concatenated with its output): 24.
  assert.equal(await page.locator('[data-testid=network-diagram] path.edge.skip').count(), 24);
  await shot(page, 'diagram-densenet121-open');
  assert.deepEqual(errors(), []);
});

test('on a phone every long network still fits: the diagram as wide as its panel, the page as the screen', async () => {
  const context = await launch({ viewport: { width: 390, height: 844 }, touch: true });
  const phone = await openPage(context, atlas.server.url);
  try {
    for (const model of ['resnet152', 'densenet121', 'googlenet', 'vgg19_bn']) {
      // The phone's picker is a menu: open each network by its address.
      await phone.page.goto(`${atlas.server.url}?view=${model}`);
      await phone.page.waitForSelector(`[data-testid=diagram-panel][data-net=${model}]`);
      // The diagram is drawn again once its panel's width is measured (an effect after the render).
      await phone.page.waitForFunction(() => document.querySelector('[data-testid=network-diagram]').getBoundingClientRect().width
        <= document.querySelector('[data-testid=diagram-wrap]').clientWidth, null, { timeout: 5_000 }).catch(() => {});
      const w = await widths(phone.page);
      assert.ok(w.svg <= w.panel, `${model}: ${w.svg} px in ${w.panel}`);
      assert.equal(w.doc, 390, model);
      if (model === 'googlenet') {
        // The Inception module's diagram keeps its size (readable labels) and scrolls in its box.
        const inc = await phone.page.getByTestId('inception-diagram-wrap').evaluate((el) =>
          [el.querySelector('svg').getBoundingClientRect().width, el.clientWidth, el.scrollWidth]);
        assert.ok(inc[0] >= 560 && inc[1] <= 390 && inc[2] > inc[1], `inception diagram ${inc}`);
      }
    }
    await shot(phone.page, 'diagram-vgg19bn-phone');
    // Two fingers spread apart on the diagram zoom it in (touch events, as a phone sends them).
    const cdp = await context.newCDPSession(phone.page);
    const r = await phone.page.getByTestId('diagram-wrap').boundingBox();
    const [cx, cy] = [r.x + r.width / 2, r.y + Math.min(r.height / 2, 200)];
    const fingers = (d) => [{ x: cx - d, y: cy, id: 1 }, { x: cx + d, y: cy, id: 2 }];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: fingers(30) });
    for (let d = 35; d <= 90; d += 5) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: fingers(d) });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await phone.page.waitForFunction(() => Number(document.querySelector('[data-testid=diagram-zoom]').dataset.zoom) > 1.5);
    assert.deepEqual(phone.errors(), []);
  } finally {
    await context.close();
  }
});
