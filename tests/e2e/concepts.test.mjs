// End-to-end: what the notes teach, in the release page. The kernel panel's rows for several C and
// H; the Inception module stepped through with buttons and keys (depths and shapes read from
// torchvision's reference); the notes' 854,196,224 and 271,351,808; a unit of SqueezeNet 1.1 (real
// weights, a real photo) clicked in the layer explorer's grid and enlarged map, its rf-box against
// the reference and its effective field inside it; the receptive-field chart against the
// reference; residual blocks and the gradient-flow experiment; a pinned LeNet-5 unit; every
// explainer. Screenshots of each in target/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serveDist, launch, openPage, screenshot, openWeightsFile } from './harness.mjs';
import { DIGITS, place, drawStrokes } from './digits.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
const shared = path.resolve(root, '..', 'shared');
const reference = (model) => JSON.parse(fs.readFileSync(path.join(shared, 'reference', `${model}.json`), 'utf8'));
const atlas = (...args) => execFileSync('cargo', ['run', '--release', '--quiet', '--bin', 'atlas', '--', ...args],
  { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
const summary = (model) => JSON.parse(atlas('summary', model, '--json'));

let server, context, page, errors, dir;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-concepts-'));
  for (const m of ['googlenet', 'resnet18']) atlas('splitmix', m, '--out', path.join(dir, `${m}.safetensors`));
  server = await serveDist();
  context = await launch();
  ({ page, errors } = await openPage(context, server.url));
  await page.getByTestId('model-picker').waitFor();
});
after(async () => {
  await context?.close(); await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function choose(model) {
  await page.locator(`[data-testid=model-entry][data-model=${model}]`).click();
  await page.waitForSelector(`[data-testid=main-view][data-model=${model}] [data-testid=layer-table]`);
}

async function shot(testid, name) {
  const el = page.getByTestId(testid).first();
  await el.scrollIntoViewIfNeeded();
  await screenshot(page, name);
}

/** Loads a checkpoint file and gives a photo; waits for the top-5. */
async function classify(weights, photo) {
  await openWeightsFile(page, weights);
  await page.getByTestId('photo-input').setInputFiles(path.join(shared, 'photos', photo));
  await page.locator(`[data-testid=top5][data-photo="${photo}"]`).waitFor({ timeout: 120_000 });
}

async function setNumber(testid, value) {
  await page.getByTestId(testid).fill(String(value));
}

test('Concepts: the kernel table for several C and H, the picture, bad input', async () => {
  await page.getByTestId('concepts-entry').click();
  const table = page.getByTestId('kernel-compare');
  await table.waitFor();
  for (const [c, h] of [[64, 56], [3, 224], [512, 14], [1, 1]]) {
    await setNumber('kernel-channels', c);
    await setNumber('kernel-size', h);
    await page.waitForSelector(`[data-testid=kernel-compare][data-channels="${c}"][data-size="${h}"]`);
    const want = {
      '5x5': [25 * c * c + c, 25 * c * c * h * h, 5, 1],
      '3x3x2': [2 * (9 * c * c + c), 2 * 9 * c * c * h * h, 5, 2],
      '7x7': [49 * c * c + c, 49 * c * c * h * h, 7, 1],
      '3x3x3': [3 * (9 * c * c + c), 3 * 9 * c * c * h * h, 7, 3],
    };
    for (const [variant, [params, macs, rf, nonlin]] of Object.entries(want)) {
      const row = table.locator(`[data-testid=kernel-row][data-variant="${variant}"]`);
      assert.equal(Number(await row.getAttribute('data-params')), params, `${variant} C=${c} H=${h} params`);
      assert.equal(Number(await row.getAttribute('data-macs')), macs, `${variant} C=${c} H=${h} MACs`);
      assert.equal(Number(await row.getAttribute('data-rf')), rf);
      assert.equal(Number(await row.getAttribute('data-nonlin')), nonlin);
    }
  }
  // The picture: two 3×3 compose to 5×5; the toggle switches to three 3×3 against 7×7.
  assert.equal(await page.getByTestId('kernel-picture').getAttribute('data-windows'), '1,3,5');
  await page.locator('[data-testid=kernel-toggle][data-stack="3x3x3"]').click();
  assert.equal(await page.getByTestId('kernel-picture').getAttribute('data-windows'), '1,3,5,7');
  assert.match(await page.locator('[data-testid=kernel-row].active').first().getAttribute('data-variant'), /7x7|3x3x3/);
  // A value that is not a channel count: a message, and the table keeps the last valid one.
  await setNumber('kernel-channels', 0);
  await page.getByTestId('kernel-input-error').waitFor();
  assert.equal(await table.getAttribute('data-channels'), '1');
  await setNumber('kernel-channels', 64);
  await page.getByTestId('kernel-input-error').waitFor({ state: 'detached' });
  await shot('kernel-panel', 'concepts-kernel');
  assert.deepEqual(errors(), []);
});

test('Concepts: the notes\' Inception example costs 854,196,224 naive and 271,351,808 with bottlenecks', async () => {
  const cost = page.getByTestId('inception-cost').first();
  assert.equal(await page.getByTestId('inception-ops-naive').first().getAttribute('data-value'), '854196224');
  assert.equal(await page.getByTestId('inception-ops-bottleneck').first().getAttribute('data-value'), '271351808');
  assert.equal(await cost.getByTestId('inception-term').count(), 6);
  await cost.locator('[data-testid=inception-cost-toggle][data-mode=naive]').click();
  assert.equal(await cost.getAttribute('data-mode'), 'naive');
  const terms = await cost.getByTestId('inception-term').evaluateAll((t) => t.map((r) => Number(r.dataset.macs)));
  assert.deepEqual(terms, [25690112, 346816512, 481689600]);
  assert.match(await page.getByTestId('inception-slide-note').first().innerText(), /358M.*271,351,808.*358,055,936/s);
  await shot('inception-cost', 'concepts-inception-cost');
});

test('Concepts: the gradient-flow experiment runs in the worker', async () => {
  const chart = page.getByTestId('gradient-chart').first();
  await chart.getByTestId('gradient-run').click();
  await page.waitForSelector('[data-testid=gradient-chart][data-state=done]', { timeout: 180_000 });
  const off = chart.locator('[data-testid=gradient-panel][data-batch-norm=false]');
  const plain = Number(await off.getAttribute('data-plain-ratio'));
  const residual = Number(await off.getAttribute('data-residual-ratio'));
  // Without batch norm the plain network's first layer gets a tiny share of the last layer's
  // gradient; the residual network's keeps all of it.
  assert.ok(plain < 0.01, `plain first/last ${plain}`);
  assert.ok(residual > 1, `residual first/last ${residual}`);
  assert.equal(await off.locator('circle.plain').count(), 34);
  await chart.getByTestId('gradient-measure').selectOption('weights');
  await shot('gradient-chart', 'concepts-gradient-flow');
  assert.deepEqual(errors(), []);
});

test('Concepts: every explainer, and networks added to and removed from the field chart', async () => {
  const concepts = await page.getByTestId('explainer').evaluateAll((e) => e.map((x) => x.dataset.concept));
  assert.deepEqual(concepts, ['mlpconv', 'fire', 'dense-block', 'cardinality', 'widening', 'survival', 'fractal']);
  const chart = page.getByTestId('rf-chart');
  assert.equal(await chart.getByTestId('rf-series').count(), 3);
  await chart.getByTestId('rf-chart-add').selectOption('googlenet');
  await chart.getByTestId('rf-chart-add-button').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=rf-series]').length === 4);
  await chart.locator('[data-testid=rf-chart-remove][data-model=alexnet]').click();
  const models = await chart.getByTestId('rf-series').evaluateAll((s) => s.map((x) => x.dataset.model));
  assert.deepEqual(models, ['vgg16', 'resnet50', 'googlenet']);
  // From the keyboard: the × of a chip in the middle removes that network only, and the focus
  // goes to the list to add one (not to a neighbour's ×, which Enter would press next).
  await chart.locator('[data-testid=rf-chart-remove][data-model=resnet50]').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=rf-series]').length === 2);
  assert.deepEqual(await chart.getByTestId('rf-series').evaluateAll((s) => s.map((x) => x.dataset.model)), ['vgg16', 'googlenet']);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'rf-chart-add');
  await chart.getByTestId('rf-chart-add').selectOption('resnet50');
  await chart.getByTestId('rf-chart-add-button').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=rf-series]').length === 3);
  await shot('rf-chart', 'concepts-rf-chart');
});

test('googlenet: inception4a step by step with buttons and keys, maps of each step', async () => {
  await choose('googlenet');
  await classify(path.join(dir, 'googlenet.safetensors'), 'skimage_coffee.png');
  const ref = reference('googlenet');
  const out = (name) => ref.layers.find((l) => l.name === name).output.slice(1);
  const module = page.getByTestId('inception-module');
  await page.getByTestId('inception-select').selectOption('inception4a');
  await page.waitForSelector('[data-testid=inception-module][data-module=inception4a][data-step="0"]');
  const steps = [
    ['input', out('maxpool3')],
    ['branch1', out('inception4a.branch1.conv')],
    ['branch2.0', out('inception4a.branch2.0.conv')],
    ['branch2.1', out('inception4a.branch2.1.conv')],
    ['branch3.0', out('inception4a.branch3.0.conv')],
    ['branch3.1', out('inception4a.branch3.1.conv')],
    ['branch4.0', out('inception4a.branch4.0')],
    ['branch4.1', out('inception4a.branch4.1.conv')],
  ];
  const concat = ['branch1', 'branch2.1', 'branch3.1', 'branch4.1'];
  let depth = 0;
  const expected = steps.map(([key, shape]) => {
    if (concat.includes(key)) depth += shape[0];
    return [key, shape, depth];
  });
  expected.push(['concat', [depth, ...steps[0][1].slice(1)], depth]);
  for (let i = 0; i < expected.length; i++) {
    const [key, shape, d] = expected[i];
    await page.waitForSelector(`[data-testid=inception-module][data-step="${i}"]`);
    assert.equal(await module.getAttribute('data-step-key'), key);
    assert.equal(Number(await module.getAttribute('data-depth')), d, `${key}: running depth`);
    assert.equal(await page.locator('[data-testid=inception-branch].active').getAttribute('data-branch'), key);
    assert.equal(await page.getByTestId('step-shape').innerText(), shape.join('×'));
    if (i === 5) {
      assert.match(await page.getByTestId('inception-step').innerText(), /3×3 convolution.*paper has a 5×5/s);
      await page.getByTestId('inception-maps').waitFor({ timeout: 60_000 });
      await shot('inception-panel', 'googlenet-inception-step');
    }
    if (i + 1 < expected.length) {
      // Alternate the button and the → key.
      if (i % 2) await page.getByTestId('inception-step-next').click();
      else { await module.focus(); await page.keyboard.press('ArrowRight'); }
    }
  }
  assert.equal(depth, 512);
  assert.equal(await page.getByTestId('inception-step-next').getAttribute('aria-disabled'), 'true');
  // Back with ← and the button.
  await module.focus();
  await page.keyboard.press('ArrowLeft');
  await page.waitForSelector('[data-testid=inception-module][data-step="7"]');
  await page.getByTestId('inception-step-prev').click();
  await page.waitForSelector('[data-testid=inception-module][data-step="6"][data-depth="448"]');
  const maps = page.getByTestId('inception-maps');
  await page.waitForSelector('[data-testid=inception-maps][data-layer="inception4a.branch4.0"]', { timeout: 60_000 });
  assert.ok(await maps.getByTestId('feature-map').count() > 0);
  // torchvision's model has no auxiliary classifiers; its strip shows the paper's, marked.
  const aux = await page.getByTestId('aux-classifier').evaluateAll((a) => a.map((x) => `${x.dataset.aux}@${x.dataset.after}`));
  assert.deepEqual(aux, ['aux1@inception4a', 'aux2@inception4d']);
  assert.deepEqual(errors(), []);
});

test('googlenet_paper: 5×5 in branch 3, auxiliary classifiers after 4a and 4d', async () => {
  await choose('googlenet_paper');
  await page.getByTestId('inception-select').selectOption('inception5b');
  for (let i = 0; i < 5; i++) await page.getByTestId('inception-step-next').click();
  await page.waitForSelector('[data-testid=inception-module][data-module=inception5b][data-step="5"]');
  assert.match(await page.getByTestId('inception-step').innerText(), /5×5 convolution, 128 filters/);
  const aux = page.getByTestId('aux-classifier');
  assert.equal(await aux.count(), 2);
  assert.equal(await aux.first().getAttribute('data-after'), 'inception4a');
  // The totals count the auxiliary classifiers, say so, and give an inference's figure beside.
  assert.equal(await page.getByTestId('total-params').innerText(), '13,378,280');
  const inference = page.getByTestId('inference-params');
  assert.equal(await inference.getAttribute('data-value'), '6998552');
  assert.match(await inference.innerText(), /of which 6,379,728 in side branches used only in training; an inference uses 6,998,552/);
  await shot('googlenet-strip', 'googlenet-paper-strip');
  // No weights were ever published for it: the panels say so and link torchvision's GoogLeNet.
  const none = page.getByTestId('weights-unpublished');
  assert.match(await none.innerText(), /No ImageNet weights were ever published for GoogLeNet/);
  assert.match(await page.getByTestId('unpublished-note').first().innerText(), /only a checkpoint of your own runs it/);
  await none.getByTestId('weights-nearest').click();
  await page.waitForSelector('[data-testid=main-view][data-model=googlenet] [data-testid=photo-lab]');
});

test('squeezenet1_1: a clicked unit\'s receptive field on the crop and its effective field', async () => {
  await choose('squeezenet1_1');
  await classify(path.join(shared, 'weights', 'squeezenet1_1.safetensors'), 'skimage_chelsea.png');
  const ref = reference('squeezenet1_1');
  const s = summary('squeezenet1_1');
  for (const [layer, grid, at] of [['features.3.expand3x3', true, [0.7, 0.3]], ['features.5', false, [0.7, 0.3]],
    ['features.12.expand3x3', false, [0.02, 0.02]]]) {
    const refField = ref.layers.find((l) => l.name === layer).receptive_field;
    const row = s.layers.find((l) => l.name === layer);
    const value = await page.getByTestId('layer-select').locator('option')
      .evaluateAll((os, n) => os.find((o) => o.textContent.startsWith(`${n} `)).value, layer);
    await page.getByTestId('layer-select').selectOption(value);
    await page.waitForFunction((n) => document.querySelector('[data-testid=layer-stats]')?.textContent.startsWith(`${n} `), layer);
    // Click in a small map of the grid (channel 2), or in the enlarged map.
    const map = grid
      ? page.locator('[data-testid=channel-button][data-channel="2"] canvas')
      : page.locator('[data-testid=enlarged-map] canvas');
    const box = await map.boundingBox();
    await map.click({ position: { x: box.width * at[0], y: box.height * at[1] } });
    const picked = map.locator('xpath=..').getByTestId('picked-unit');
    await picked.waitFor();
    const [y, x] = [Number(await picked.getAttribute('data-y')), Number(await picked.getAttribute('data-x'))];
    const rf = page.getByTestId('rf-box');
    await rf.waitFor();
    assert.equal(Number(await rf.getAttribute('data-rf')), refField.rf[0], `${layer}: rf`);
    assert.equal(Number(await rf.getAttribute('data-jump')), refField.jump[0], `${layer}: jump`);
    assert.equal(Number(await rf.getAttribute('data-y0')), row.rf_origin[0] + y * row.jump[0], `${layer}: y0`);
    assert.equal(Number(await rf.getAttribute('data-x0')), row.rf_origin[1] + x * row.jump[1], `${layer}: x0`);
    const erf = page.getByTestId('erf-heatmap');
    await erf.waitFor({ timeout: 60_000 });
    const inside = await erf.getAttribute('data-inside');
    assert.notEqual(inside, '', `${layer}: the effective field was measured against the theoretical one`);
    assert.equal(Number(inside), 1, `${layer}: the effective field lies inside the theoretical one`);
    if (layer === 'features.5') {
      // The arrow keys move the picked unit one step: the field moves by the jump.
      const x0 = Number(await rf.getAttribute('data-x0'));
      await map.focus();
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction((v) => Number(document.querySelector('[data-testid=rf-box]').dataset.x0) === v, x0 + row.jump[1]);
      // The moved unit's value is read out (a live region), though the pointer rests on the map.
      const readout = page.getByTestId('unit-readout');
      assert.equal(await readout.getAttribute('aria-live'), 'polite');
      assert.match(await readout.innerText(), new RegExp(`^unit \\(${y}, ${x + 1}\\) = -?\\d+\\.\\d{4}$`));
      // The moved unit's own effective field (the heat map is shown only for the picked unit).
      await page.getByTestId('erf-heatmap').waitFor({ timeout: 60_000 });
      assert.equal(Number(await page.getByTestId('erf-heatmap').getAttribute('data-inside')), 1,
        `${layer}: the moved unit's effective field lies inside its theoretical one`);
      await shot('network-input-preview', 'photo-squeezenet-receptive-field');
    }
  }
  // The corner unit of the last fire module: its field reaches into the padding (drawn hatched).
  assert.ok(Number(await page.getByTestId('rf-box').getAttribute('data-x0')) < 0);
  assert.match(await page.getByTestId('rf-text').innerText(), /lies in the zero padding/);
  // The chart of this network: every point as torchvision measures it.
  const fields = Object.fromEntries(ref.layers.filter((l) => l.receptive_field).map((l) => [l.name, l.receptive_field]));
  const points = await page.getByTestId('rf-point').evaluateAll((p) => p.map((x) => ({ ...x.dataset })));
  assert.ok(points.length > 10);
  for (const p of points) {
    const f = fields[p.layer];
    assert.ok(f, `${p.layer} has a reference field`);
    assert.equal(Number(p.rf), f.rf[0], `${p.layer}: rf`);
    assert.equal(Number(p.jump), f.jump[0], `${p.layer}: jump`);
  }
  await page.getByTestId('explainer').waitFor();
  assert.equal(await page.getByTestId('explainer').getAttribute('data-concept'), 'fire');
  assert.deepEqual(errors(), []);
});

test('resnet18: x, F(x) and F(x)+x of a block, basic against bottleneck, projection shortcuts', async () => {
  await choose('resnet18');
  await classify(path.join(dir, 'resnet18.safetensors'), 'skimage_coffee.png');
  const view = page.getByTestId('residual-view');
  await view.waitFor({ timeout: 60_000 });
  assert.equal(await view.getAttribute('data-block'), 'layer1.0');
  assert.ok(Number(await view.getAttribute('data-f-norm')) > 0);
  assert.equal(await view.getByTestId('feature-map').count(), 4);
  assert.equal(await page.getByTestId('residual-diagram').getAttribute('data-projection'), 'false');
  const options = await page.getByTestId('residual-block-select').locator('option').allInnerTexts();
  assert.equal(options.length, 8);
  await page.getByTestId('residual-block-select').selectOption({ label: 'layer2.0 · projection' });
  await page.waitForSelector('[data-testid=residual-diagram][data-projection=true]');
  await page.waitForSelector('[data-testid=residual-view][data-block="layer2.0"]', { timeout: 60_000 });
  const rows = await page.getByTestId('block-compare-row').evaluateAll((r) => r.map((x) => [x.dataset.model, Number(x.dataset.params)]));
  // ResNet-34's layer2.0 (basic, projected) and ResNet-50's (bottleneck, projected).
  assert.deepEqual(rows, [['resnet34', 230144], ['resnet50', 379392]]);
  await page.getByTestId('residual-norms').waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId('residual-norms').getByTestId('residual-norm-bar').count(), 8);
  // The chosen block's ratio is read out; a bar opens its block from the keyboard.
  const ratio = (block) => page.locator(`[data-testid=residual-norms] [data-testid=residual-norm-bar][data-block="${block}"]`);
  assert.equal(Number(await ratio('layer2.0').getAttribute('data-ratio')).toFixed(2),
    (await page.getByTestId('residual-norm-readout').innerText()).match(/layer2\.0: ‖F\(x\)‖ \/ ‖shortcut‖ = (\d+\.\d\d)/)[1]);
  await ratio('layer3.1').focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=residual-view][data-block="layer3.1"]', { timeout: 60_000 });
  assert.match(await page.getByTestId('residual-norm-readout').innerText(), /^layer3\.1: /);
  assert.equal(await ratio('layer3.1').getAttribute('aria-pressed'), 'true');
  await shot('residual-panel', 'resnet18-residual');
  assert.deepEqual(errors(), []);
});

test('vgg16: the kernel panel starts from the first block (64 maps of 224×224)', async () => {
  await choose('vgg16');
  const table = page.getByTestId('kernel-compare');
  assert.equal(await table.getAttribute('data-channels'), '64');
  assert.equal(await table.getAttribute('data-size'), '224');
  assert.equal(await table.locator('[data-variant="3x3x2"]').getAttribute('data-params'), '73856');
  assert.match(await page.getByTestId('first-block-note').innerText(), /2 stacked 3×3 convolutions/);
});

test('every network after ResNet has its explainer', async () => {
  // One figure of each, read from the zoo (the layer table's own totals and rows).
  const figures = {
    nin: /mlpconv1\.cccp1\s+conv 1×1, 96 filters\s+96×54×54\s+9,312/,
    squeezenet1_0: /features\.3\s+96×54×54\s+16\s+64\s+64\s+128×54×54/,
    densenet121: /64 \+ 6·32 = 256 maps/,
    resnext50_32x4d: /32 groups \(the cardinality\) of 4 channels/,
    wide_resnet50_2: /128 filters instead of 64/,
    stochastic_depth_110: /Σ p_l = 40\.25 blocks/,
    fractalnet: /block1\s+3×32×32\s+64×16×16\s+15\s+4/,
  };
  for (const [model, concept] of [['nin', 'mlpconv'], ['squeezenet1_0', 'fire'], ['densenet121', 'dense-block'],
    ['resnext50_32x4d', 'cardinality'], ['wide_resnet50_2', 'widening'], ['stochastic_depth_110', 'survival'], ['fractalnet', 'fractal']]) {
    await choose(model);
    const e = page.getByTestId('explainer');
    assert.equal(await e.getAttribute('data-concept'), concept);
    assert.match(await e.innerText(), figures[model], `${model}: the explainer's figure`);
    if (concept === 'dense-block' || concept === 'survival') await shot('explainer', `explainer-${concept}`);
  }
  assert.deepEqual(errors(), []);
});

test('lenet5: a pinned unit shows its receptive field and its effective field on the drawn digit', async () => {
  await page.locator('[data-testid=model-entry][data-model=lenet5]').click();
  await page.waitForSelector('[data-testid=lenet-lab][data-status=ready]', { timeout: 30_000 });
  // The whole pad in view (the previous page may have left the view scrolled), then a 3.
  await page.getByTestId('digit-canvas').evaluate((e) => e.scrollIntoView({ block: 'center' }));
  await drawStrokes(page, page.getByTestId('digit-canvas'), place(DIGITS[3], { size: 200, cx: 140, cy: 140 }));
  await page.waitForFunction(() => document.querySelector('[data-testid=prediction]').textContent === '3');
  await page.getByTestId('feature-maps').waitFor();
  const c3 = page.locator('[data-testid=feature-map][data-layer="c3"]').nth(2);
  await c3.scrollIntoViewIfNeeded();
  await c3.click({ position: { x: 5, y: 5 } });
  const rf = page.getByTestId('rf-box');
  await rf.waitFor();
  // C1's 5 × 5, S2's 2 × 2 of stride 2 (6), C3's 5 × 5 at a jump of 2: 6 + 4·2 = 14 pixels,
  // from the corner of the 32 × 32 input for the corner unit.
  assert.equal(Number(await rf.getAttribute('data-rf')), 14);
  assert.equal(Number(await rf.getAttribute('data-x0')), 0);
  assert.equal(Number(await rf.getAttribute('data-y0')), 0);
  const erf = page.getByTestId('erf-heatmap');
  await erf.waitFor({ timeout: 30_000 });
  assert.equal(Number(await erf.getAttribute('data-inside')), 1, 'the gradient lies inside the field');
  assert.equal(await page.getByTestId('erf-of-drawing').getAttribute('data-stale'), 'false');
  // Another stroke: the pin stays; the field of the older drawing is dimmed until the new
  // drawing's gradient comes, then shown as it is.
  await page.evaluate(() => {
    window.staleSeen = false;
    new MutationObserver(() => {
      if (document.querySelector('[data-testid=erf-of-drawing][data-stale=true]')) window.staleSeen = true;
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-stale'] });
  });
  await page.getByTestId('digit-canvas').evaluate((e) => e.scrollIntoView({ block: 'center' }));
  await drawStrokes(page, page.getByTestId('digit-canvas'), [[[60, 250], [220, 250]]]);
  await page.waitForSelector('[data-testid=lenet-lab][data-busy=false]');
  await page.waitForSelector('[data-testid=erf-of-drawing][data-stale=false]', { timeout: 30_000 });
  assert.ok(await page.evaluate(() => window.staleSeen), 'the older field was never marked stale');
  await page.getByTestId('pinned-readout').waitFor();
  await c3.scrollIntoViewIfNeeded();
  await shot('digit-canvas', 'lenet-pinned-unit');
  assert.deepEqual(errors(), []);
});
