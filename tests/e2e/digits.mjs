// Hand-drawn-like digit strokes for the end-to-end tests: each digit is a list of strokes, each a
// list of [x, y] points in a unit square (y down). `place` scales and moves them onto the canvas.

const arc = (cx, cy, rx, ry, from, to, n = 24) =>
  Array.from({ length: n + 1 }, (_, i) => {
    const t = ((from + (to - from) * (i / n)) * Math.PI) / 180;
    return [cx + rx * Math.cos(t), cy + ry * Math.sin(t)];
  });
const line = (a, b, n = 8) => Array.from({ length: n + 1 }, (_, i) => [a[0] + (b[0] - a[0]) * (i / n), a[1] + (b[1] - a[1]) * (i / n)]);

export const DIGITS = {
  0: [arc(0.5, 0.5, 0.3, 0.42, -90, 275, 36)],
  1: [[...line([0.38, 0.22], [0.55, 0.08], 4), ...line([0.55, 0.08], [0.55, 0.92], 10)]],
  2: [[...arc(0.5, 0.3, 0.28, 0.22, 200, 380, 16), ...line([0.77, 0.36], [0.22, 0.9], 10), ...line([0.22, 0.9], [0.82, 0.9], 6)]],
  3: [[...arc(0.48, 0.28, 0.27, 0.2, 200, 450, 18), ...arc(0.48, 0.7, 0.3, 0.22, -90, 160, 18)]],
  4: [[...line([0.6, 0.08], [0.15, 0.62], 8), ...line([0.15, 0.62], [0.85, 0.62], 8)], line([0.62, 0.3], [0.62, 0.95], 8)],
  5: [[...line([0.78, 0.1], [0.3, 0.1], 6), ...line([0.3, 0.1], [0.26, 0.45], 5), ...arc(0.48, 0.65, 0.3, 0.25, -120, 150, 20)]],
  6: [[...arc(0.7, 0.45, 0.45, 0.4, 250, 180, 10), ...arc(0.5, 0.7, 0.25, 0.22, 180, 540, 24)]],
  7: [[...line([0.18, 0.1], [0.82, 0.1], 6), ...line([0.82, 0.1], [0.4, 0.92], 10)]],
  8: [[...arc(0.5, 0.28, 0.22, 0.19, 90, 450, 24), ...arc(0.5, 0.7, 0.27, 0.22, -90, 270, 24)]],
  9: [[...arc(0.47, 0.3, 0.25, 0.2, 0, 360, 24), ...line([0.72, 0.3], [0.66, 0.92], 10)]],
};

/** Maps unit strokes into a canvas box: `size` is the digit's height in px, (cx, cy) its centre. */
export function place(strokes, { size, cx, cy, slant = 0 }) {
  return strokes.map((s) => s.map(([x, y]) => [cx + (x - 0.5 + slant * (0.5 - y)) * size * 0.8, cy + (y - 0.5) * size]));
}

/** Draws strokes on an element with real mouse events (pointer down, moves, up). */
export async function drawStrokes(page, locator, strokes) {
  const box = await locator.boundingBox();
  const sx = box.width / 280;
  const sy = box.height / 280;
  for (const s of strokes) {
    await page.mouse.move(box.x + s[0][0] * sx, box.y + s[0][1] * sy);
    await page.mouse.down();
    for (const [x, y] of s.slice(1)) await page.mouse.move(box.x + x * sx, box.y + y * sy, { steps: 2 });
    await page.mouse.up();
  }
}

/** Draws strokes with a finger: touch events through the DevTools protocol (the page sees
 *  pointer events of type touch, as on a phone). */
export async function drawByTouch(page, locator, strokes) {
  const box = await locator.boundingBox();
  const sx = box.width / 280;
  const sy = box.height / 280;
  const cdp = await page.context().newCDPSession(page);
  const at = ([x, y]) => [{ x: box.x + x * sx, y: box.y + y * sy, id: 1 }];
  for (const s of strokes) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(s[0]) });
    for (const p of s.slice(1)) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(p) });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  }
  await cdp.detach();
}
