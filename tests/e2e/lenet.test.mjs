// End-to-end: LeNet-5 in the page — draw digits with the mouse on the canvas, each is recognised;
// clear and undo work; feature maps of every layer are shown; screenshots saved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openAtlas, screenshot } from './harness.mjs';
import { DIGITS, place, drawStrokes } from './digits.mjs';

let atlas, server, page, errors;
before(async () => {
  atlas = await openAtlas();
  ({ server, page, errors } = atlas);
});
after(() => atlas?.close());

async function open(model) {
  await page.locator(`[data-testid=model-entry][data-model=${model}]`).click();
  await page.waitForSelector(`[data-testid=lenet-lab][data-status=ready]`, { timeout: 30_000 });
}

async function setBrush(px) {
  await page.getByTestId('brush-size').evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, px);
}

async function clear() {
  if (await page.getByTestId('clear-button').isEnabled()) await page.getByTestId('clear-button').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=prediction]').textContent === '–');
}

async function predicted() {
  // The prediction of the last stroke: the lab has no drawing in flight or waiting.
  await page.waitForFunction(() => document.querySelector('[data-testid=prediction]').textContent !== '–');
  await page.waitForSelector('[data-testid=lenet-lab][data-busy=false]');
  return page.getByTestId('prediction').innerText();
}

// Ten digits in different sizes, positions, slants and brush widths.
const CASES = [
  { d: 0, size: 200, cx: 140, cy: 140, brush: 18 },
  { d: 1, size: 190, cx: 120, cy: 145, brush: 22 },
  { d: 2, size: 150, cx: 100, cy: 110, brush: 14 },
  { d: 3, size: 220, cx: 150, cy: 140, brush: 20 },
  { d: 4, size: 170, cx: 170, cy: 160, brush: 16 },
  { d: 5, size: 200, cx: 140, cy: 140, brush: 24, slant: 0.1 },
  { d: 6, size: 160, cx: 130, cy: 150, brush: 18 },
  { d: 7, size: 210, cx: 145, cy: 135, brush: 12 },
  { d: 8, size: 230, cx: 140, cy: 140, brush: 20 },
  { d: 9, size: 180, cx: 160, cy: 120, brush: 16, slant: -0.1 },
];

for (const model of ['lenet5_modern', 'lenet5']) {
  test(`${model}: ten mouse-drawn digits are recognised`, async () => {
    await open(model);
    const canvas = page.getByTestId('digit-canvas');
    const wrong = [];
    for (const c of CASES) {
      await clear();
      await setBrush(c.brush);
      await drawStrokes(page, canvas, place(DIGITS[c.d], c));
      const got = await predicted();
      if (got !== String(c.d)) wrong.push(`${c.d} read as ${got}`);
      if (c.d === 4 || c.d === 8) await screenshot(page, `${model}-digit-${c.d}`);
    }
    assert.deepEqual(wrong, []);
    // Ten probabilities that sum to one.
    const probs = await page.getByTestId('probabilities').locator('[data-digit]').evaluateAll((els) => els.map((e) => Number(e.dataset.prob)));
    assert.equal(probs.length, 10);
    assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-3);
    assert.deepEqual(errors(), []);
  });
}

test('undo removes the last stroke, clear empties the pad', async () => {
  await open('lenet5_modern');
  const canvas = page.getByTestId('digit-canvas');
  await clear();
  await setBrush(18);
  // A 4 drawn in two strokes reads as 4; undoing the vertical bar changes the reading.
  await drawStrokes(page, canvas, place(DIGITS[4], { size: 180, cx: 140, cy: 140 }));
  assert.equal(await predicted(), '4');
  assert.equal(await canvas.getAttribute('data-strokes'), '2');
  await page.getByTestId('undo-button').click();
  assert.equal(await canvas.getAttribute('data-strokes'), '1');
  await page.waitForSelector('[data-testid=lenet-lab][data-busy=false]');
  assert.notEqual(await page.getByTestId('prediction').innerText(), '4');
  await page.getByTestId('clear-button').click();
  assert.equal(await canvas.getAttribute('data-strokes'), '0');
  await page.waitForFunction(() => document.querySelector('[data-testid=prediction]').textContent === '–');
  assert.deepEqual(errors(), []);
});

test('the pad draws from the keyboard: the arrow keys move the pen, Space puts it down and lifts it', async () => {
  await open('lenet5_modern');
  const canvas = page.getByTestId('digit-canvas');
  await clear();
  await setBrush(22);
  await canvas.focus();
  const scrolled = await page.evaluate(() => window.scrollY);
  // From the middle up 9 pixels of 28, the pen down, 18 pixels down, the pen up: a 1.
  for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowUp');
  assert.equal(await canvas.getAttribute('data-strokes'), '0');
  await page.keyboard.press('Space');
  await page.waitForSelector('[data-testid=digit-canvas][data-pen=down]');
  for (let i = 0; i < 18; i++) await page.keyboard.press('ArrowDown');
  await page.getByTestId('pad-pen').waitFor({ state: 'visible' });
  assert.ok(await page.getByTestId('pad-pen').evaluate((el) => el.classList.contains('down')));
  await screenshot(page, 'lenet-keyboard-pen');
  await page.keyboard.press('Space');
  await page.waitForSelector('[data-testid=digit-canvas][data-pen=up][data-strokes="1"]');
  assert.equal(await predicted(), '1');
  // Moving with the pen up draws nothing.
  for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+ArrowRight');
  assert.equal(await canvas.getAttribute('data-strokes'), '1');
  assert.equal(await page.getByTestId('prediction').innerText(), '1');
  // The page did not scroll under the keys (Space and the arrows would scroll it), and the pad
  // kept the focus.
  assert.equal(await page.evaluate(() => window.scrollY), scrolled);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'digit-canvas');
  assert.deepEqual(errors(), []);
});

test('every layer\'s feature maps are shown; hovering a unit outlines its receptive field', async () => {
  await open('lenet5');
  await clear();
  await drawStrokes(page, page.getByTestId('digit-canvas'), place(DIGITS[3], { size: 200, cx: 140, cy: 140 }));
  await predicted();
  const count = async (layer) => page.locator(`[data-testid=feature-map][data-layer="${layer}"]`).count();
  assert.equal(await count('c1'), 6);
  assert.equal(await count('s2'), 6);
  assert.equal(await count('c3'), 16);
  assert.equal(await count('s4'), 16);
  assert.equal(await count('c5'), 1); // 120 units in one strip (after flattening)
  assert.equal(await count('f6'), 1);
  assert.equal(await count('output'), 1);
  const c1 = page.locator('[data-testid=feature-map][data-layer="c1"][data-channel="2"]');
  assert.equal(await c1.getAttribute('width'), '28');
  // Hover unit (10, 10) of a C3 map: its 14×14 field starts at input pixel (10, 10).
  const c3 = page.locator('[data-testid=feature-map][data-layer="c3"][data-channel="0"]');
  await c3.scrollIntoViewIfNeeded();
  const box = await c3.boundingBox();
  const cell = box.width / 10;
  await page.mouse.move(box.x + cell * 4.5, box.y + cell * 5.5);
  const rf = page.getByTestId('receptive-field');
  await rf.waitFor();
  assert.equal(await rf.getAttribute('data-rows'), '10..23');
  assert.equal(await rf.getAttribute('data-cols'), '8..21');
  const hovered = (await page.getByTestId('hover-readout').innerText()).match(/c3 · map 0 · unit \(5, 4\) = (-?\d+\.\d{4})/);
  assert.ok(hovered, await page.getByTestId('hover-readout').innerText());
  // A click pins it: the pinned line gives the same value, as the keyboard's pick would.
  await page.mouse.click(box.x + cell * 4.5, box.y + cell * 5.5);
  const pinned = page.getByTestId('pinned-readout');
  await pinned.waitFor();
  assert.match(await pinned.innerText(), new RegExp(`Pinned: c3 · map 0 · unit \\(5, 4\\) = ${hovered[1].replace('.', '\\.')}\\.`));
  assert.equal(Number(await pinned.getAttribute('data-value')).toFixed(4), hovered[1]);
  assert.equal(await page.getByTestId('connection-table').locator('[data-testid=connection-cell][data-on=true]').count(), 60);
  await screenshot(page, 'lenet5-feature-maps');
  assert.deepEqual(errors(), []);
});
