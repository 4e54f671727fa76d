// End-to-end: the page in 简体中文 and English. The language toggle changes every text at once,
// the status line included; the choice is remembered in the browser and carried in the address
// (`?lang=zh`), `<html lang>` follows it; and every view in Chinese is checked for English
// sentences left behind (citations and other deliberately English text carry lang="en").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openAtlas, screenshot, openAllDetails, openWeightsFile } from './harness.mjs';

let atlas, server, page, errors;
before(async () => {
  atlas = await openAtlas();
  ({ server, page, errors } = atlas);
});
after(() => atlas?.close());

const han = /[\u4e00-\u9fff]/;

test('switch language: the status line reads in Chinese, the choice is kept and shared', async () => {
  await page.waitForSelector('[data-testid=worker-status][data-state=ready]');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.getByTestId('worker-status').innerText(), /Worker ready/);
  await page.getByTestId('lang-toggle').selectOption('zh');
  await page.waitForSelector('[data-testid=lang-toggle][data-lang=zh]');
  await htmlLang('zh-CN');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await page.getByTestId('worker-status').innerText(), 'Worker 已就绪，引擎自检通过');
  const status = await page.getByTestId('status-line').innerText();
  assert.match(status, /^运行于：/);
  assert.match(await page.getByTestId('gpu-note').innerText(), han);
  assert.deepEqual(await page.locator('[data-testid=backend-toggle] option').allInnerTexts(),
    ['自动', 'WebGPU', 'CPU']);
  assert.match(await page.locator('header h1 + *, header .tagline').last().innerText(), /经典卷积神经网络/);
  assert.match(page.url(), /[?&]lang=zh(&|$)/);
  assert.match(await page.title(), han);
  await screenshot(page, 'lang-zh-lenet');

  // A reload keeps it; a fresh visit without the parameter reads it from the browser.
  await page.reload();
  await page.waitForSelector('[data-testid=worker-status][data-state=ready]');
  assert.match(await page.getByTestId('worker-status').innerText(), /已就绪/);
  await page.goto(server.url + '?view=resnet18');
  await page.waitForSelector('[data-testid=main-view][data-model=resnet18]');
  await htmlLang('zh-CN');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.match(page.url(), /lang=zh/);
  // The address wins over what the browser keeps; choosing English puts it in the address.
  await page.goto(server.url + '?view=resnet18&lang=en');
  await page.waitForSelector('[data-testid=lang-toggle][data-lang=en]');
  assert.match(await page.getByTestId('worker-status').innerText(), /^Worker /);
  await page.getByTestId('lang-toggle').selectOption('zh');
  await page.waitForSelector('[data-testid=lang-toggle][data-lang=zh]');
  await htmlLang('zh-CN');
  await page.getByTestId('lang-toggle').selectOption('en');
  await page.waitForSelector('[data-testid=lang-toggle][data-lang=en]');
  await htmlLang('en');
  assert.match(page.url(), /lang=en/);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.deepEqual(errors(), []);
});

/** English left in the page: a text without Chinese that has a run of four or more English
 *  words, or a Chinese text with a run of six (a name inside a Chinese sentence is fine). Skipped:
 *  what is marked lang="en" (citations, ImageNet's class names), code, the language menu's own
 *  options, and tooltips marked data-cite (a paper's citation). */
/** Waits for `<html lang>` (set by an effect after the render that changed the language) to
 *  be `code`; fails saying what it is when it does not become so. */
async function htmlLang(code) {
  await page.waitForFunction((c) => document.documentElement.lang === c, code, { timeout: 10_000 }).catch(() => {});
  assert.equal(await page.getAttribute('html', 'lang'), code, '<html lang>');
}

async function englishLeft() {
  return page.evaluate(() => {
    const out = new Set();
    const han = /[\u4e00-\u9fff]/;
    const words = (n) => new RegExp(`\\b[A-Za-z]{2,}(?:[ ,;:'’-]+[A-Za-z]{2,}){${n - 1},}\\b`);
    const english = (t) => (han.test(t) ? words(6) : words(4)).test(t);
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('[lang=en], script, style, code, [data-testid=lang-toggle]')) continue;
      const text = n.textContent.trim();
      if (english(text)) out.add(text.slice(0, 120));
    }
    for (const el of document.querySelectorAll('[title], [aria-label], [placeholder], [alt]')) {
      if (el.closest('[lang=en]')) continue;
      for (const a of ['title', 'aria-label', 'placeholder', 'alt']) {
        if (a === 'title' && el.dataset.cite === 'title') continue;
        const v = el.getAttribute(a);
        if (v && english(v)) out.add(`${a}: ${v.slice(0, 120)}`);
      }
    }
    return [...out];
  });
}

test('every view in Chinese: no English sentence left outside citations', async () => {
  const views = ['lenet5', 'alexnet_paper', 'vgg16', 'googlenet', 'resnet50', 'densenet121',
    'squeezenet1_1', 'fractalnet', 'stochastic_depth_110', 'concepts', 'compare'];
  const left = {};
  for (const view of views) {
    await page.goto(`${server.url}?view=${view}&lang=zh`);
    await page.waitForSelector(`[data-testid=main-view][data-model=${view}], [data-testid=compare-view]`);
    await page.waitForSelector('[data-testid=worker-status][data-state=ready]');
    // Open what is folded so that its text is checked too.
    await openAllDetails(page);
    const found = await englishLeft();
    if (found.length) left[view] = found;
  }
  await page.goto(`${server.url}?view=concepts&lang=zh`);
  await page.getByTestId('main-view').waitFor();
  await screenshot(page, 'lang-zh-concepts');
  assert.deepEqual(left, {});
  assert.deepEqual(errors(), []);
});

test('the photo lab in Chinese: weights, a classified photo, its layers, the saliency map', async () => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const weights = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'weights', 'squeezenet1_1.safetensors');
  if (!fs.existsSync(weights)) throw new Error(`missing ${weights} (../shared holds the test material)`);
  await page.goto(`${server.url}?view=squeezenet1_1&lang=zh`);
  await openWeightsFile(page, weights);
  await page.locator('[data-testid=sample-photo][data-photo="chelsea.png"]').click();
  await page.locator('[data-testid=top5][data-photo="chelsea.png"] [data-testid=top5-row]').first().waitFor({ timeout: 60_000 });
  await page.getByTestId('saliency-run').click();
  await page.getByTestId('saliency-map').waitFor({ timeout: 60_000 });
  // The status line says which engine ran, in Chinese.
  assert.match(await page.getByTestId('status-line').innerText(), /^运行于：CPU（packed 引擎，wasm SIMD）/);
  assert.deepEqual(await englishLeft(), []);
  await screenshot(page, 'lang-zh-photo-lab');
  assert.deepEqual(errors(), []);
});
