// End-to-end: the WebGPU engine in the page. Headless Chromium's adapter is SwiftShader, a
// software fallback adapter: `auto` keeps the CPU engine and says why; with `backend-toggle` on
// `webgpu` the worker runs the real SqueezeNet 1.1 weights on it and every shared photo gets
// torchvision's top-1 and top-5 within 0.01, with `backend-status` saying `webgpu`. A destroyed
// device (as a lost GPU) falls back to the CPU engine with a message, and the next photo still
// classifies. The choice is kept across a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serveDist, launch, openPage, screenshot, openWeightsFile } from './harness.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
const shared = path.resolve(root, '..', 'shared');
const referenceFile = path.join(shared, 'reference', 'photos_squeezenet1_1.json');
const weightsFile = path.join(shared, 'weights', 'squeezenet1_1.safetensors');
for (const f of [referenceFile, weightsFile]) {
  if (!fs.existsSync(f)) throw new Error(`missing ${f} (../shared holds the test material)`);
}
const reference = JSON.parse(fs.readFileSync(referenceFile, 'utf8'));

let server, context, page, errors;
before(async () => {
  server = await serveDist();
  context = await launch({ webgpu: true });
  // `?bench` installs window.atlasLoseGpu, the test's way to lose the device.
  ({ page, errors } = await openPage(context, `${server.url}?bench`));
  await page.getByTestId('model-picker').waitFor();
});
after(async () => { await context?.close(); await server?.close(); });

const status = () => page.getByTestId('backend-status');

async function waitEngine(kind) {
  await page.waitForFunction((k) => document.querySelector('[data-testid=backend-status]')?.dataset.engine === k,
    kind, { timeout: 60_000 });
}

async function classify(file) {
  const name = path.basename(file);
  await page.getByTestId('photo-input').setInputFiles(file);
  const rows = page.locator(`[data-testid=top5][data-photo="${name}"] [data-testid=top5-row]`);
  await rows.first().waitFor({ timeout: 120_000 });
  assert.equal(await rows.count(), 5);
  const out = [];
  for (let i = 0; i < 5; i++) {
    const r = rows.nth(i);
    out.push({ index: Number(await r.getAttribute('data-index')), label: await r.getAttribute('data-label'),
      prob: Number(await r.getAttribute('data-prob')) });
  }
  return out;
}

function assertTorchvision(photo, got) {
  const want = reference.top5[photo];
  assert.equal(got[0].index, want[0].index, `${photo}: top-1 ${got[0].label} instead of ${want[0].label}`);
  for (const g of got) {
    const w = want.find((x) => x.index === g.index);
    assert.ok(Math.abs(g.prob - (w ? w.prob : 0)) <= 0.01, `${photo}: ${g.label} has ${g.prob}, torchvision ${w?.prob ?? 0}`);
  }
}

test('auto keeps the CPU engine on a software adapter and says why', async () => {
  await waitEngine('cpu');
  await page.waitForFunction(() => /software/.test(document.querySelector('[data-testid=gpu-note]')?.textContent ?? ''));
  assert.equal(await page.getByTestId('backend-toggle').inputValue(), 'auto');
  assert.equal(await status().innerText(), 'CPU (packed, wasm SIMD)');
  assert.match(await status().getAttribute('data-adapter'), /swiftshader/i);
  assert.match(await page.getByTestId('gpu-note').innerText(), /swiftshader.*software one, slower than the CPU engine/i);
});

test('forced WebGPU: real SqueezeNet 1.1 gives torchvision\'s top-5 on every photo, on the GPU', async () => {
  await page.getByTestId('backend-toggle').selectOption('webgpu');
  await waitEngine('webgpu');
  assert.match(await status().innerText(), /^WebGPU · .*swiftshader/i);
  await page.locator('[data-testid=model-entry][data-model=squeezenet1_1]').click();
  await page.waitForSelector('[data-testid=main-view][data-model=squeezenet1_1] [data-testid=photo-lab]');
  await openWeightsFile(page, weightsFile);
  const photos = Object.keys(reference.top5);
  assert.equal(photos.length, 9);
  for (const photo of photos) {
    assertTorchvision(photo, await classify(path.join(shared, 'photos', photo)));
    assert.equal(await status().getAttribute('data-engine'), 'webgpu', `${photo} did not run on WebGPU`);
    assert.match(await page.getByTestId('photo-lab').innerText(), /on the WebGPU engine/);
  }
  await page.getByTestId('feature-map').first().waitFor({ timeout: 120_000 });
  await screenshot(page, 'webgpu-squeezenet');
  assert.deepEqual(errors(), []);
});

test('a lost device falls back to the CPU engine with a message; the next photo still classifies', async () => {
  await page.evaluate(() => window.atlasLoseGpu());
  const photo = 'skimage_coffee.png';
  assertTorchvision(photo, await classify(path.join(shared, 'photos', photo)));
  await waitEngine('cpu');
  assert.match(await page.getByTestId('gpu-note').innerText(), /lost.*fell back to the CPU engine/i);
  assert.match(await page.getByTestId('photo-lab').innerText(), /on the CPU \(packed, wasm SIMD\) engine/);
  const again = 'skimage_astronaut.png';
  assertTorchvision(again, await classify(path.join(shared, 'photos', again)));
  await screenshot(page, 'webgpu-lost-device');
  // The worker logs nothing as an error; the browser may warn about the destroyed device.
  assert.deepEqual(errors().filter((e) => !/destroyed|lost/i.test(e)), []);
});

test('the choice is kept across a reload', async () => {
  await page.getByTestId('backend-toggle').selectOption('cpu');
  // The engine is the CPU's already (the device was lost): wait for the worker's answer.
  await page.waitForSelector('[data-testid=backend-status][data-choice=cpu]');
  await waitEngine('cpu');
  assert.match(await page.getByTestId('gpu-note').innerText(), /CPU chosen/);
  await page.reload();
  await page.getByTestId('model-picker').waitFor();
  assert.equal(await page.getByTestId('backend-toggle').inputValue(), 'cpu');
  await waitEngine('cpu');
});

test('a device lost during an occlusion map: the rest runs on the CPU engine, and the map says so', async () => {
  // After the reload the worker is new: WebGPU again, on a device of its own.
  await page.getByTestId('backend-toggle').selectOption('webgpu');
  await waitEngine('webgpu');
  await page.locator('[data-testid=model-entry][data-model=squeezenet1_1]').click();
  await page.waitForSelector('[data-testid=main-view][data-model=squeezenet1_1] [data-testid=photo-lab]');
  await openWeightsFile(page, weightsFile);
  const photo = 'skimage_chelsea.png';
  assertTorchvision(photo, await classify(path.join(shared, 'photos', photo)));
  assert.equal(await status().getAttribute('data-engine'), 'webgpu');
  // 13 × 13 places: the device is lost after the first row's progress, between two passes.
  await page.getByTestId('occlusion-patch').selectOption('32');
  await page.getByTestId('occlusion-stride').selectOption('16');
  await page.getByTestId('occlusion-run').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=occlusion-progress]')?.value) > 0, null, { timeout: 120_000 });
  await page.evaluate(() => window.atlasLoseGpu());
  const map = page.getByTestId('occlusion-map');
  await map.waitFor({ timeout: 120_000 });
  assert.equal(await map.getAttribute('data-engines'), 'webgpu cpu', 'the device was lost after the last pass');
  const said = (await map.innerText()).match(/the first (\d+) forward passes ran on the WebGPU engine, the rest on the CPU \(packed, wasm SIMD\) engine/);
  assert.ok(said, await map.innerText());
  // The whole photo's pass and at least the first row (13 places) ran on the GPU, not all 170.
  assert.ok(Number(said[1]) >= 14 && Number(said[1]) < 170, said[1]);
  await map.scrollIntoViewIfNeeded();
  await screenshot(page, 'webgpu-occlusion-lost');
  await waitEngine('cpu');
  assert.deepEqual(errors().filter((e) => !/destroyed|lost/i.test(e)), []);
});
