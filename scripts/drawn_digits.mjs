#!/usr/bin/env node
// Generates the held-out set of drawn digits (tests/fixtures/drawn_digits.json): digits as a
// person draws them on the LeNet-5 pad with a mouse — pointer positions in canvas pixels
// (280×280), stroke by stroke, as the page's pointermove events would report them. Training never
// sees these: `atlas train-lenet` only measures its networks on them, `tests/drawn_digits.rs`
// checks the shipped weights natively and tests/e2e/drawn_digits.test.mjs plays every digit
// through the real pad in the page.
//
// Each class has several hand styles (7 with and without a bar, 1 with and without flag and base,
// open and closed 4, 9 with a straight or a curved tail, 5 in one or two strokes…). Each digit
// gets, from a seeded generator: slant, a small rotation, a width/height ratio, a size from small
// to the full pad, a place anywhere on the pad (off-centre), the pad's brush (mostly its default
// 18 px), a slow wobble of the hand, jitter of single events, and a drawing speed: the pad
// receives one pointermove per frame, so a fast stroke leaves few, far-apart points (straight
// chords across a curve) and a slow one many. Multi-stroke digits are drawn in either order where
// people do both. Deterministic: the same seed writes the same file.
//
//   node scripts/drawn_digits.mjs [--hands] [--seed N] [--per-class N] [--out FILE] [--png FILE]
//
// --hands writes the second set (tests/fixtures/drawn_hands.json): eight people, each with their
// own size, brush, slant, width, pace and steadiness, drawing every digit twice, several of them
// in letterforms the first set does not have.
//
// --png writes a contact sheet of the digits (rendered with round-capped strokes of the brush
// width, as the pad draws them) to look at.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const PAD = 280;

// ---- seeded random numbers (mulberry32) ----
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    unit: next,
    range: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
    gauss: () => {
      const u = Math.max(next(), 1e-12);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
  };
  return r;
}

// ---- shapes in a unit box (x right, y down, the digit spans [0, 1]²), sampled densely ----
const STEP = 0.01;
const line = (...pts) => {
  const out = [pts[0]];
  for (let k = 1; k < pts.length; k++) {
    const [a, b] = [pts[k - 1], pts[k]];
    const n = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / STEP));
    for (let i = 1; i <= n; i++) out.push([a[0] + ((b[0] - a[0]) * i) / n, a[1] + ((b[1] - a[1]) * i) / n]);
  }
  return out;
};
/** Elliptic arc; angles in degrees, 0 = right, 90 = down (increasing = clockwise on screen). */
const arc = (cx, cy, rx, ry, from, to) => {
  const len = (Math.abs(to - from) * Math.PI * Math.max(rx, ry)) / 180;
  const n = Math.max(2, Math.ceil(len / STEP));
  return Array.from({ length: n + 1 }, (_, i) => {
    const t = ((from + ((to - from) * i) / n) * Math.PI) / 180;
    return [cx + rx * Math.cos(t), cy + ry * Math.sin(t)];
  });
};
/** Cubic Bézier. */
const bez = (p0, p1, p2, p3) => {
  const n = Math.max(8, Math.ceil((Math.hypot(p1[0] - p0[0], p1[1] - p0[1]) + Math.hypot(p2[0] - p1[0], p2[1] - p1[1]) + Math.hypot(p3[0] - p2[0], p3[1] - p2[1])) / STEP));
  return Array.from({ length: n + 1 }, (_, i) => {
    const t = i / n;
    const u = 1 - t;
    return [0, 1].map((k) => u * u * u * p0[k] + 3 * u * u * t * p1[k] + 3 * u * t * t * p2[k] + t * t * t * p3[k]);
  });
};
/** Pieces joined into one stroke. */
const join = (...parts) => parts.flat();

// Hand styles: name → strokes (each a dense list of unit-box points, in drawing order), and the
// digit's usual width/height ratio. `swap` lists stroke pairs people draw in either order.
const STYLES = {
  0: [
    { name: '0-ccw', aspect: 0.72, strokes: () => [arc(0.5, 0.5, 0.5, 0.5, -80, -445)] },
    { name: '0-cw', aspect: 0.72, strokes: () => [arc(0.5, 0.5, 0.5, 0.5, -100, 268)] },
    { name: '0-narrow', aspect: 0.5, strokes: () => [arc(0.5, 0.5, 0.5, 0.5, -90, -445)] },
    { name: '0-egg', aspect: 0.72, strokes: () => [join(arc(0.5, 0.5, 0.42, 0.5, -90, -180), arc(0.5, 0.5, 0.5, 0.5, 180, 0), arc(0.5, 0.5, 0.42, 0.5, 0, -100))] },
  ],
  1: [
    { name: '1-stick', aspect: 0.3, strokes: () => [line([0.55, 0], [0.45, 1])] },
    { name: '1-flag', aspect: 0.4, strokes: () => [line([0.2, 0.3], [0.65, 0], [0.65, 1])] },
    { name: '1-flag-base', aspect: 0.55, strokes: () => [line([0.22, 0.28], [0.55, 0], [0.55, 1]), line([0.1, 1], [0.95, 1])] },
    { name: '1-flag-long', aspect: 0.4, strokes: () => [line([0.05, 0.42], [0.62, 0], [0.55, 1])] },
  ],
  2: [
    { name: '2-classic', aspect: 0.7, strokes: () => [join(arc(0.5, 0.28, 0.45, 0.28, 195, 360), bez([0.95, 0.28], [0.95, 0.5], [0.45, 0.7], [0.03, 1]), line([0.03, 1], [0.97, 0.98]))] },
    { name: '2-curly', aspect: 0.72, strokes: () => [join(arc(0.5, 0.27, 0.45, 0.27, 200, 365), bez([0.95, 0.3], [0.95, 0.62], [0.1, 0.62], [0.05, 1]), line([0.05, 1], [0.97, 0.97]))] },
    { name: '2-angular', aspect: 0.7, strokes: () => [line([0.05, 0.22], [0.45, 0], [0.9, 0.12], [0.9, 0.35], [0.05, 1], [0.97, 1])] },
    { name: '2-loop', aspect: 0.72, strokes: () => [join(arc(0.5, 0.28, 0.45, 0.28, 195, 360), bez([0.95, 0.28], [0.95, 0.55], [0.4, 0.72], [0.12, 0.95]), bez([0.12, 0.95], [0.3, 0.8], [0.35, 1.02], [0.1, 1]), line([0.1, 1], [0.97, 0.96]))] },
  ],
  3: [
    { name: '3-round', aspect: 0.68, strokes: () => [join(arc(0.47, 0.25, 0.45, 0.25, 200, 450), arc(0.47, 0.75, 0.5, 0.25, -90, 160))] },
    { name: '3-flat-top', aspect: 0.68, strokes: () => [join(line([0.05, 0], [0.92, 0], [0.4, 0.42]), arc(0.47, 0.7, 0.5, 0.3, -105, 155))] },
    { name: '3-two-strokes', aspect: 0.68, strokes: () => [arc(0.47, 0.25, 0.45, 0.25, 200, 450), arc(0.47, 0.75, 0.5, 0.25, -120, 160)] },
    { name: '3-cusp', aspect: 0.68, strokes: () => [join(arc(0.45, 0.25, 0.45, 0.25, 210, 440), line([0.53, 0.5], [0.3, 0.5]), arc(0.47, 0.75, 0.5, 0.25, -110, 160))] },
  ],
  4: [
    { name: '4-closed', aspect: 0.75, swap: true, strokes: () => [line([0.66, 0], [0.02, 0.66], [0.98, 0.66]), line([0.68, 0.02], [0.68, 1])] },
    { name: '4-open', aspect: 0.75, swap: true, strokes: () => [line([0.1, 0], [0.05, 0.6], [0.97, 0.6]), line([0.72, 0.05], [0.72, 1])] },
    { name: '4-open-slanted', aspect: 0.75, swap: true, strokes: () => [line([0.3, 0], [0.02, 0.62], [0.98, 0.62]), line([0.7, 0.1], [0.66, 1])] },
  ],
  5: [
    { name: '5-two-strokes', aspect: 0.7, swap: true, strokes: () => [join(line([0.2, 0.02], [0.14, 0.45]), arc(0.45, 0.7, 0.5, 0.3, -125, 155)), line([0.2, 0.02], [0.92, 0])] },
    { name: '5-one-stroke', aspect: 0.7, strokes: () => [join(line([0.92, 0], [0.2, 0.02], [0.14, 0.45]), arc(0.45, 0.7, 0.5, 0.3, -125, 155))] },
    { name: '5-angular', aspect: 0.7, swap: true, strokes: () => [line([0.18, 0.02], [0.12, 0.42], [0.6, 0.4], [0.92, 0.6], [0.86, 0.9], [0.5, 1], [0.05, 0.9]), line([0.18, 0.02], [0.9, 0.02])] },
  ],
  6: [
    { name: '6-curved', aspect: 0.68, strokes: () => [join(bez([0.85, 0.02], [0.3, 0.1], [0.02, 0.45], [0.05, 0.72]), arc(0.5, 0.72, 0.45, 0.28, 180, -175))] },
    { name: '6-straight', aspect: 0.68, strokes: () => [join(line([0.85, 0], [0.08, 0.66]), arc(0.5, 0.72, 0.45, 0.28, 190, -160))] },
    { name: '6-small-loop', aspect: 0.62, strokes: () => [join(bez([0.9, 0.05], [0.3, 0.05], [0.0, 0.55], [0.08, 0.82]), arc(0.52, 0.8, 0.45, 0.2, 170, -185))] },
  ],
  7: [
    { name: '7-plain', aspect: 0.7, strokes: () => [line([0.03, 0], [0.97, 0], [0.35, 1])] },
    { name: '7-bar', aspect: 0.7, strokes: () => [line([0.03, 0], [0.97, 0], [0.38, 1]), line([0.3, 0.52], [0.88, 0.5])] },
    { name: '7-serif', aspect: 0.7, strokes: () => [line([0.05, 0.16], [0.05, 0], [0.97, 0], [0.42, 1])] },
    { name: '7-curved', aspect: 0.7, strokes: () => [join(line([0.03, 0], [0.97, 0]), bez([0.97, 0], [0.7, 0.3], [0.48, 0.6], [0.45, 1]))] },
  ],
  8: [
    { name: '8-s-loop', aspect: 0.66, strokes: () => [join(bez([0.85, 0.12], [0.6, -0.05], [0.05, 0.0], [0.18, 0.25]), bez([0.18, 0.25], [0.3, 0.45], [0.95, 0.55], [0.9, 0.78]), bez([0.9, 0.78], [0.86, 1.04], [0.08, 1.04], [0.1, 0.78]), bez([0.1, 0.78], [0.13, 0.55], [0.85, 0.4], [0.85, 0.12]))] },
    { name: '8-two-circles', aspect: 0.66, strokes: () => [arc(0.5, 0.25, 0.38, 0.25, -90, 272), arc(0.5, 0.75, 0.5, 0.25, -90, 272)] },
    { name: '8-snowman', aspect: 0.66, strokes: () => [join(arc(0.5, 0.25, 0.38, 0.25, 90, 450), arc(0.5, 0.75, 0.5, 0.25, -90, -452))] },
  ],
  9: [
    { name: '9-straight', aspect: 0.66, strokes: () => [join(arc(0.47, 0.27, 0.47, 0.27, -5, -365), line([0.94, 0.27], [0.88, 1]))] },
    { name: '9-curved', aspect: 0.66, strokes: () => [join(arc(0.47, 0.27, 0.47, 0.27, -5, -365), bez([0.94, 0.27], [0.97, 0.7], [0.85, 1], [0.35, 0.97]))] },
    { name: '9-two-strokes', aspect: 0.66, strokes: () => [arc(0.45, 0.27, 0.45, 0.27, -20, -385), line([0.92, 0.1], [0.86, 1])] },
    { name: '9-hook', aspect: 0.62, strokes: () => [join(arc(0.45, 0.27, 0.45, 0.27, 0, -360), line([0.9, 0.27], [0.9, 0.85]), bez([0.9, 0.85], [0.9, 1], [0.7, 1.02], [0.5, 0.95]))] },
  ],
};

// Letterforms the hands below use and the styles above do not: the shapes that read as another
// digit when drawn with a thick brush (a 9 whose tail curls back under its loop, a 3 with curled
// ends, a 6 with a high, open loop, a 5 with a round belly), and other habits.
const HAND_STYLES = {
  0: [{ name: '0-overlap', aspect: 0.7, strokes: () => [arc(0.5, 0.5, 0.5, 0.5, -60, -460)] }],
  1: [{ name: '1-serif', aspect: 0.5, strokes: () => [join(line([0.25, 0.2], [0.58, 0], [0.58, 1])), line([0.25, 1], [0.9, 1])] }],
  2: [{ name: '2-z', aspect: 0.7, strokes: () => [join(arc(0.45, 0.22, 0.42, 0.22, 190, 370), line([0.87, 0.26], [0.05, 1], [0.97, 1]))] }],
  3: [{ name: '3-curl', aspect: 0.66, strokes: () => [join(arc(0.12, 0.12, 0.08, 0.08, 90, -150), arc(0.47, 0.25, 0.42, 0.25, 200, 440), arc(0.47, 0.74, 0.5, 0.26, -90, 150), arc(0.12, 0.9, 0.08, 0.08, 60, 300))] }],
  4: [{ name: '4-narrow-closed', aspect: 0.6, swap: true, strokes: () => [line([0.75, 0], [0.0, 0.7], [1.0, 0.7]), line([0.75, 0], [0.75, 1])] }],
  5: [{ name: '5-round', aspect: 0.7, swap: true, strokes: () => [join(line([0.22, 0.0], [0.12, 0.42]), arc(0.5, 0.68, 0.46, 0.32, -150, 150)), line([0.22, 0.0], [0.9, 0.02])] }],
  6: [{ name: '6-high-loop', aspect: 0.66, strokes: () => [join(bez([0.75, 0.0], [0.25, 0.15], [0.05, 0.45], [0.08, 0.7]), arc(0.5, 0.66, 0.44, 0.34, 175, -180))] }],
  7: [{ name: '7-hook', aspect: 0.7, strokes: () => [join(arc(0.06, 0.06, 0.05, 0.06, 90, 270), line([0.06, 0.0], [0.97, 0.02]), bez([0.97, 0.02], [0.75, 0.35], [0.5, 0.7], [0.42, 1]))] }],
  8: [{ name: '8-tilted', aspect: 0.62, strokes: () => [join(bez([0.8, 0.1], [0.55, -0.06], [0.1, 0.02], [0.22, 0.26]), bez([0.22, 0.26], [0.35, 0.48], [0.98, 0.55], [0.88, 0.8]), bez([0.88, 0.8], [0.8, 1.05], [0.0, 1.02], [0.08, 0.76]), bez([0.08, 0.76], [0.15, 0.5], [0.8, 0.45], [0.8, 0.1]))] }],
  9: [
    { name: '9-curl', aspect: 0.64, strokes: () => [join(arc(0.48, 0.26, 0.46, 0.26, -5, -365), bez([0.94, 0.26], [0.97, 0.75], [0.7, 1.0], [0.2, 0.88]))] },
    { name: '9-small-loop', aspect: 0.55, strokes: () => [join(arc(0.45, 0.2, 0.45, 0.2, 0, -360), line([0.9, 0.2], [0.78, 1]))] },
  ],
};

// Eight people, each with their own habits (never trained on; see the README on what was chosen
// after measuring them): size
// band (px), brush (px), slant, width, pace of the mouse (px per frame) and steadiness; and the
// letterform each of them uses for each digit (`own` for theirs above, else a style above).
const HANDS = [
  { name: 'marker', height: [90, 150], brush: [28, 34], slant: [0.0, 0.2], wide: 1.0, pace: [8, 16], shaky: 1, own: [9, 3, 6] },
  { name: 'tiny', height: [55, 80], brush: [12, 18], slant: [-0.05, 0.15], wide: 1.1, pace: [4, 9], shaky: 0.6, own: [5, 8] },
  { name: 'backhand', height: [130, 200], brush: [14, 22], slant: [-0.35, -0.15], wide: 0.9, pace: [8, 18], shaky: 1, own: [1, 7, 9] },
  { name: 'italic', height: [150, 240], brush: [10, 16], slant: [0.35, 0.55], wide: 0.8, pace: [10, 22], shaky: 0.8, own: [2, 4, 9] },
  { name: 'hasty', height: [120, 220], brush: [16, 22], slant: [0.05, 0.3], wide: 1.1, pace: [30, 55], shaky: 1.6, own: [0, 3, 6] },
  { name: 'careful', height: [180, 250], brush: [18, 18], slant: [-0.05, 0.05], wide: 1.0, pace: [3, 7], shaky: 0.4, own: [1, 5, 7, 8] },
  { name: 'wide', height: [100, 160], brush: [20, 26], slant: [0.0, 0.15], wide: 1.35, pace: [8, 18], shaky: 1, own: [0, 2, 6, 9] },
  { name: 'shaky', height: [120, 200], brush: [14, 20], slant: [0.0, 0.25], wide: 1.0, pace: [6, 14], shaky: 2.4, own: [3, 4, 8] },
];

// ---- one digit as a person draws it ----
function digit(label, style, r, hand = null) {
  // Size, proportions, slant, rotation: drawn afresh for each digit, or within one person's habits
  // (`hand`: a size, a brush, a slant, a width, a pace and a steadiness of their own).
  const sizeBand = r.unit();
  let height = hand ? r.range(...hand.height)
    : sizeBand < 0.3 ? r.range(60, 110) : sizeBand < 0.7 ? r.range(110, 180) : r.range(180, 255);
  const brush = hand ? r.int(...hand.brush) : r.chance(0.55) ? 18 : r.int(8, 32);
  height = Math.max(height, brush * 3.3); // a blot is not a digit: the brush is at most ~0.3 of its height
  const width = height * style.aspect * (hand ? hand.wide : 1) * r.range(0.8, 1.2);
  // A flagged 1 leant or turned too far reads as a 7: less of both there.
  const flag = style.name.startsWith('1-flag');
  const slant = hand ? r.range(...hand.slant) * (flag ? 0.66 : 1)
    : r.chance(0.7) ? r.range(-0.05, flag ? 0.3 : 0.45) : r.range(-0.3, 0);
  const rot = (r.range(-12, 12) * (flag ? 0.66 : 1) * (hand ? 0.5 : 1) * Math.PI) / 180;
  // A slow wobble of the hand: a few smooth waves along the path, in x and y.
  const shaky = hand ? hand.shaky : 1;
  const waves = Array.from({ length: 3 }, () => ({ f: r.range(2, 9), px: r.range(0, 6.3), py: r.range(0, 6.3), a: r.range(0.004, 0.025) * shaky }));
  const toCanvas = ([u, v], s) => {
    let wx = 0;
    let wy = 0;
    for (const w of waves) {
      wx += w.a * Math.sin(w.f * s + w.px);
      wy += w.a * Math.sin(w.f * s + w.py);
    }
    const x = (u - 0.5 + wx) * width + slant * (0.5 - v) * height;
    const y = (v - 0.5 + wy) * height;
    return [x * Math.cos(rot) - y * Math.sin(rot), x * Math.sin(rot) + y * Math.cos(rot)];
  };
  let strokes = style.strokes();
  // Sloppiness. Proportions: a smooth warp of the unit box (a bigger or smaller top loop, a
  // wider belly, a lower bar…).
  const warp = Array.from({ length: 2 }, () => ({ fx: r.range(0.5, 1.5), fy: r.range(0.5, 1.5), p: r.range(0, 6.3), a: r.range(0, 0.07) }));
  const bend = ([u, v]) => [
    u + warp[0].a * Math.sin(Math.PI * (warp[0].fx * u + warp[0].fy * v) + warp[0].p),
    v + warp[1].a * Math.sin(Math.PI * (warp[1].fx * u + warp[1].fy * v) + warp[1].p),
  ];
  strokes = strokes.map((st) => st.map(bend));
  // Strokes of a multi-stroke digit land a little off where they belong (a 4's bar, a 5's
  // flag, a 7's cross-bar).
  if (strokes.length > 1) {
    strokes = strokes.map((st, k) => {
      if (k === 0) return st;
      const [du, dv] = [r.range(-0.07, 0.07), r.range(-0.05, 0.05)];
      return st.map(([u, v]) => [u + du, v + dv]);
    });
  }
  // Loops left a little open, or closed with a shorter overshoot: each stroke's ends trimmed by
  // up to 5 % of its length.
  strokes = strokes.map((st) => {
    const cum = [0];
    for (let i = 1; i < st.length; i++) cum.push(cum[i - 1] + Math.hypot(st[i][0] - st[i - 1][0], st[i][1] - st[i - 1][1]));
    const total = cum[cum.length - 1];
    const [from, to] = [r.range(0, 0.05) * total, (1 - r.range(0, 0.05)) * total];
    const kept = st.filter((_, i) => cum[i] >= from && cum[i] <= to);
    return kept.length > 2 ? kept : st;
  });
  // Direction and order, as different people draw them.
  if (style.swap && r.chance(0.5)) strokes = [strokes[1], strokes[0], ...strokes.slice(2)];
  let s = 0;
  let dense = strokes.map((st) => st.map((p, i) => {
    if (i > 0) s += Math.hypot(p[0] - st[i - 1][0], p[1] - st[i - 1][1]);
    return toCanvas(p, s);
  }));
  // Place it: anywhere on the pad with the whole brush inside (off-centre more often than not).
  const xs = dense.flat().map((p) => p[0]);
  const ys = dense.flat().map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const margin = brush / 2 + 3;
  const fit = Math.min(1, (PAD - 2 * margin) / (x1 - x0), (PAD - 2 * margin) / (y1 - y0));
  const ox = r.range(margin - x0 * fit, PAD - margin - x1 * fit);
  const oy = r.range(margin - y0 * fit, PAD - margin - y1 * fit);
  dense = dense.map((st) => st.map(([x, y]) => [ox + x * fit, oy + y * fit]));
  // The mouse: one pointermove per frame, so points are spaced by the hand's speed (slower at the
  // start and end of a stroke); a few digits are dashed off fast.
  const pace = hand ? r.range(...hand.pace) : r.chance(0.25) ? r.range(25, 50) : r.range(5, 20);
  const jitter = r.range(0.2, 1.2);
  const points = dense.map((st) => {
    const cum = [0];
    for (let i = 1; i < st.length; i++) cum.push(cum[i - 1] + Math.hypot(st[i][0] - st[i - 1][0], st[i][1] - st[i - 1][1]));
    const total = cum[cum.length - 1];
    const at = (d) => {
      let i = 1;
      while (i < cum.length - 1 && cum[i] < d) i++;
      const t = cum[i] > cum[i - 1] ? (d - cum[i - 1]) / (cum[i] - cum[i - 1]) : 0;
      return [st[i - 1][0] + (st[i][0] - st[i - 1][0]) * t, st[i - 1][1] + (st[i][1] - st[i - 1][1]) * t];
    };
    const out = [st[0]];
    let d = 0;
    for (;;) {
      const phase = total > 0 ? d / total : 1;
      d += pace * (0.35 + 0.65 * Math.sin(Math.PI * Math.min(1, phase + 0.08))) * r.range(0.8, 1.2);
      if (d >= total) break;
      out.push(at(d));
    }
    out.push(st[st.length - 1]);
    const lim = (v) => Math.min(PAD - 1, Math.max(0, Math.round(v)));
    // Integer positions, as the pad reads them from pointer events.
    return out.map(([x, y], i) => (i === 0 || i === out.length - 1 ? [lim(x), lim(y)] : [lim(x + jitter * r.gauss()), lim(y + jitter * r.gauss())]));
  });
  return hand
    ? { label, style: style.name, hand: hand.name, brush, strokes: points }
    : { label, style: style.name, brush, strokes: points };
}

// ---- a contact sheet (PNG) to look at ----
function crc32(buf) {
  let c;
  const table = crc32.table ?? (crc32.table = Array.from({ length: 256 }, (_, n) => {
    c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  }));
  let crc = 0xffffffff;
  for (const b of buf) crc = table[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
function png(width, height, grey) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = grey[y * width + x];
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
function contactSheet(digits, file, cols = 20, cell = 70) {
  const rows = Math.ceil(digits.length / cols);
  const [w, h] = [cols * cell, rows * cell];
  const img = new Uint8Array(w * h).fill(255);
  const k = cell / PAD;
  digits.forEach((d, n) => {
    const [ox, oy] = [(n % cols) * cell, Math.floor(n / cols) * cell];
    const segs = d.strokes.flatMap((s) => s.map((p, i) => [s[Math.max(0, i - 1)], p]));
    const rad = (d.brush / 2) * k;
    for (let y = 0; y < cell; y++) {
      for (let x = 0; x < cell; x++) {
        const edge = x === 0 || y === 0;
        let best = Infinity;
        for (const [a, b] of segs) {
          const [ax, ay, bx, by] = [a[0] * k, a[1] * k, b[0] * k, b[1] * k];
          const [dx, dy] = [bx - ax, by - ay];
          const l2 = dx * dx + dy * dy;
          const t = l2 > 0 ? Math.min(1, Math.max(0, ((x + 0.5 - ax) * dx + (y + 0.5 - ay) * dy) / l2)) : 0;
          best = Math.min(best, Math.hypot(x + 0.5 - ax - t * dx, y + 0.5 - ay - t * dy));
        }
        const ink = Math.min(1, Math.max(0, rad + 0.5 - best));
        img[(oy + y) * w + ox + x] = edge ? 160 : Math.round(255 * (1 - ink));
      }
    }
  });
  fs.writeFileSync(file, png(w, h, img));
}

// ---- main ----
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const root = path.resolve(import.meta.dirname, '..');
const hands = args.includes('--hands');
const seed = Number(opt('--seed', hands ? '20261206' : '20251124'));
const perClass = Number(opt('--per-class', hands ? '2' : '36'));
const out = opt('--out', path.join(root, 'tests', 'fixtures', hands ? 'drawn_hands.json' : 'drawn_digits.json'));
const r = rng(seed);
const digits = [];
if (hands) {
  // Each person draws every digit `perClass` times: in their own letterform where they have one,
  // else in one of the common styles (a different one each time).
  HANDS.forEach((hand, h) => {
    for (let label = 0; label <= 9; label++) {
      const own = hand.own.includes(label) ? HAND_STYLES[label] : null;
      for (let i = 0; i < perClass; i++) {
        const styles = own ?? STYLES[label];
        digits.push(digit(label, styles[(h + i) % styles.length], r, hand));
      }
    }
  });
} else {
  for (let label = 0; label <= 9; label++) {
    const styles = STYLES[label];
    for (let i = 0; i < perClass; i++) digits.push(digit(label, styles[i % styles.length], r));
  }
}
// Interleave the classes (as a person asked for "any digit" would draw them).
const order = digits.map((_, i) => i);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(r.unit() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
const shuffled = order.map((i) => digits[i]);
const header = {
  about: hands
    ? `Held-out digits drawn by ${HANDS.length} people with their own habits and letterforms (hand: who drew it), as with a mouse on the LeNet-5 pad (280×280 canvas pixels, one list of pointer positions per stroke, brush in px). Never trained on (the typeface training was chosen after measuring the old weights on it).`
    : 'Held-out digits drawn as with a mouse on the LeNet-5 pad (280×280 canvas pixels, one list of pointer positions per stroke, brush in px). Never used in training.',
  generator: 'scripts/drawn_digits.mjs',
  seed,
  canvas: PAD,
  count: shuffled.length,
};
const body = shuffled.map((d) => `    ${JSON.stringify(d)}`).join(',\n');
const text = `${JSON.stringify(header, null, 2).slice(0, -2)},\n  "digits": [\n${body}\n  ]\n}\n`;
JSON.parse(text); // well-formed
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, text);
const points = shuffled.reduce((n, d) => n + d.strokes.reduce((m, s) => m + s.length, 0), 0);
console.log(`${shuffled.length} digits (${perClass} per class, ${points} points) → ${path.relative(process.cwd(), out)}`);
const sheet = opt('--png');
if (sheet) {
  contactSheet([...shuffled].sort((a, b) => a.label - b.label), sheet);
  console.log(`contact sheet → ${sheet}`);
}
