// End-to-end: the photo lab of the ImageNet networks. The real SqueezeNet 1.1 weights of
// ../shared/weights (.pth and .safetensors) are opened through `weights-input`, every photo of
// ../shared/photos goes through `photo-input`, and the page's top-5 must match torchvision's
// (../shared/reference/photos_squeezenet1_1.json: same top-1, probabilities within 0.01).
// Classifying makes no network request. Bad inputs get a message and leave the page working.
// A checkpoint given by URL downloads with a progress bar and comes from the Cache API next time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serveDist, launch, openPage, screenshot } from './harness.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
const shared = path.resolve(root, '..', 'shared');
const reference = JSON.parse(fs.readFileSync(path.join(shared, 'reference', 'photos_squeezenet1_1.json'), 'utf8'));
const weightsFile = (ext) => path.join(shared, 'weights', `squeezenet1_1.${ext}`);
const safetensors = fs.readFileSync(weightsFile('safetensors'));

// Errors the bad-input tests provoke on purpose (the browser logs failed loads on its own).
const expected = [/remote\/missing\.safetensors/, /remote-cut\//, /ERR_INCOMPLETE_CHUNKED_ENCODING|ERR_CONTENT_LENGTH_MISMATCH/];

let server, context, page, errors;
before(async () => {
  server = await serveDist({
    routes: {
      // A remote checkpoint, sent slowly enough that the progress bar is seen.
      '/remote/squeezenet1_1.safetensors': async (req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': safetensors.length });
        for (let i = 0; i < safetensors.length; i += 256 << 10) {
          res.write(safetensors.subarray(i, i + (256 << 10)));
          await new Promise((ok) => setTimeout(ok, 40));
        }
        res.end();
      },
      // A download that breaks off half way.
      '/remote-cut/squeezenet1_1.safetensors': (req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': safetensors.length });
        res.write(safetensors.subarray(0, safetensors.length >> 1), () => setTimeout(() => res.destroy(), 100));
      },
      '/remote/missing.safetensors': (req, res) => res.writeHead(404).end('not found'),
      // Another network's checkpoint: downloads fine, does not load, must not stay cached.
      '/remote/wrong.safetensors': (req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(fs.readFileSync(path.join(root, 'static', 'weights', 'lenet5.safetensors')));
      },
    },
  });
  context = await launch();
  ({ page, errors } = await openPage(context, server.url));
  await page.getByTestId('model-picker').waitFor();
});
after(async () => { await context?.close(); await server?.close(); });

function unexpectedErrors() {
  return errors().filter((e) => !expected.some((re) => re.test(e)));
}

async function choose(model) {
  await page.locator(`[data-testid=model-entry][data-model=${model}]`).click();
  await page.waitForSelector(`[data-testid=main-view][data-model=${model}] [data-testid=photo-lab]`);
}

async function loadWeights(file) {
  const lab = page.getByTestId('photo-lab');
  // Choosing SqueezeNet 1.1 loads the copy shipped with the page (once the worker has said it does
  // not hold it): wait until that load is done and the file input is enabled again.
  await page.waitForSelector('[data-testid=photo-lab][data-weights=loaded]', { timeout: 120_000 });
  await page.waitForSelector('[data-testid=weights-input]:not([disabled])', { timeout: 120_000 });
  await page.getByTestId('weights-input').setInputFiles(file);
  await page.waitForFunction((name) => document.querySelector('[data-testid=weights-loaded]')?.textContent.includes(name),
    path.basename(file), { timeout: 120_000 });
  assert.equal(await lab.getAttribute('data-weights'), 'loaded');
}

/** Gives a photo through `photo-input`; returns the five rows the page shows. */
async function classify(file) {
  const name = typeof file === 'string' ? path.basename(file) : file.name;
  await page.getByTestId('photo-input').setInputFiles(file);
  const top5 = page.locator(`[data-testid=top5][data-photo="${name}"]`);
  await top5.waitFor({ timeout: 60_000 });
  const rows = top5.getByTestId('top5-row');
  assert.equal(await rows.count(), 5);
  const out = [];
  for (let i = 0; i < 5; i++) {
    const r = rows.nth(i);
    out.push({
      index: Number(await r.getAttribute('data-index')),
      label: await r.getAttribute('data-label'),
      prob: Number(await r.getAttribute('data-prob')),
    });
  }
  return out;
}

/** Waits until `error-message` says what `re` matches (an earlier message may still be shown). */
async function expectError(re) {
  try {
    await page.waitForFunction(([src, flags]) => new RegExp(src, flags)
      .test(document.querySelector('[data-testid=error-message]')?.textContent ?? ''), [re.source, re.flags], { timeout: 60_000 });
  } catch (e) {
    const shown = await page.getByTestId('error-message').innerText().catch(() => '(no error-message)');
    assert.fail(`expected an error matching ${re}, the page shows: ${shown}`);
  }
}

test('squeezenet1_1 (.pth): every photo gets torchvision\'s top-1 and top-5 within 0.01, with no request', async () => {
  await choose('squeezenet1_1');
  assert.match(await page.getByTestId('weights-panel').innerText(), /1,235,496 parameters/);
  await loadWeights(weightsFile('pth'));
  const photos = Object.keys(reference.top5);
  assert.equal(photos.length, 9);
  const seen = new Set();
  page.on('request', (r) => { if (!/^(blob|data):/.test(r.url())) seen.add(r.url()); });
  for (const photo of photos) {
    const before = server.requests.length;
    seen.clear();
    const got = await classify(path.join(shared, 'photos', photo));
    const want = reference.top5[photo];
    assert.equal(got[0].index, want[0].index, `${photo}: top-1 ${got[0].label} instead of ${want[0].label}`);
    for (let i = 0; i < 5; i++) {
      const w = want.find((x) => x.index === got[i].index);
      const expectedProb = w ? w.prob : 0;
      assert.ok(Math.abs(got[i].prob - expectedProb) <= 0.01,
        `${photo}: ${got[i].label} has ${got[i].prob}, torchvision ${expectedProb}`);
    }
    assert.equal(server.requests.length, before, `${photo}: classifying made a request to the server`);
    assert.deepEqual([...seen], [], `${photo}: classifying made requests`);
    if (photo === 'skimage_chelsea.png') {
      await page.getByTestId('network-input-preview').waitFor();
      await page.getByTestId('feature-map').first().waitFor();
      await page.getByTestId('top5').scrollIntoViewIfNeeded();
      await screenshot(page, 'photo-squeezenet-chelsea');
    }
  }
  // The shipped sample photos (grace_hopper.jpg is matplotlib's, the same file as the reference's).
  await page.locator('[data-testid=sample-photo][data-photo="grace_hopper.jpg"]').click();
  const sample = page.locator('[data-testid=top5][data-photo="grace_hopper.jpg"] [data-testid=top5-row]').first();
  await sample.waitFor({ timeout: 60_000 });
  assert.equal(Number(await sample.getAttribute('data-index')), reference.top5['mpl_grace_hopper.jpg'][0].index);
  assert.deepEqual(unexpectedErrors(), []);
});

test('the .safetensors file gives the same answer; feature maps of any layer, one enlarged', async () => {
  await loadWeights(weightsFile('safetensors'));
  const got = await classify(path.join(shared, 'photos', 'skimage_coffee.png'));
  const want = reference.top5['skimage_coffee.png'];
  assert.equal(got[0].index, want[0].index);
  assert.ok(Math.abs(got[0].prob - want[0].prob) <= 0.01);
  // Pick a deeper layer: its channels are drawn, one can be enlarged, shape and stats are stated.
  const select = page.getByTestId('layer-select');
  const options = await select.locator('option').evaluateAll((os) => os.map((o) => ({ value: o.value, text: o.textContent })));
  const fire = options.find((o) => /features\.12\.expand3x3/.test(o.text)) ?? options[Math.floor(options.length / 2)];
  await select.selectOption(fire.value);
  await page.waitForFunction((t) => document.querySelector('[data-testid=layer-stats]')?.textContent.includes(t.split(' ')[0]), fire.text);
  const stats = page.getByTestId('layer-stats');
  const shape = await stats.getAttribute('data-shape');
  const channels = Number(shape.split('×')[0]);
  assert.ok(channels > 1, shape);
  assert.equal(await page.getByTestId('channel-button').count(), channels);
  await page.getByTestId('channel-button').nth(5).click();
  assert.equal(await page.getByTestId('enlarged-map').getAttribute('data-channel'), '5');
  assert.match(await stats.innerText(), /min .*max .*mean/);
  await page.getByTestId('layer-explorer').scrollIntoViewIfNeeded();
  await screenshot(page, 'photo-squeezenet-layer');
  assert.deepEqual(unexpectedErrors(), []);
});

test('bad inputs get a clear message and the loaded weights keep working', async () => {
  const goodBefore = await classify(path.join(shared, 'photos', 'skimage_rocket.jpg'));
  // A text file named .pth.
  await page.getByTestId('weights-input').setInputFiles({ name: 'notes.pth', mimeType: 'application/octet-stream', buffer: Buffer.from('these are my notes, not weights\n') });
  await expectError(/notes\.pth.*not a PyTorch checkpoint|not a PyTorch checkpoint/);
  // A truncated .safetensors.
  await page.getByTestId('weights-input').setInputFiles({ name: 'half.safetensors', mimeType: 'application/octet-stream', buffer: safetensors.subarray(0, safetensors.length >> 1) });
  await expectError(/truncated/);
  // Another network's checkpoint: the message names a key and both shapes (or the missing key).
  await page.getByTestId('weights-input').setInputFiles(path.join(root, 'static', 'weights', 'lenet5.safetensors'));
  await expectError(/features\.0\.weight/);
  // An empty weights file.
  await page.getByTestId('weights-input').setInputFiles({ name: 'empty.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.alloc(0) });
  await expectError(/empty/);
  // A corrupt image and an empty one.
  await page.getByTestId('photo-input').setInputFiles({ name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) });
  await expectError(/broken\.jpg/);
  await page.getByTestId('photo-input').setInputFiles({ name: 'nothing.png', mimeType: 'image/png', buffer: Buffer.alloc(0) });
  await expectError(/empty/);
  // A failed and an interrupted download.
  await page.getByTestId('weights-url').fill(`${server.url}remote/missing.safetensors`);
  await page.getByTestId('weights-url-load').click();
  await expectError(/HTTP 404/);
  await page.getByTestId('weights-url').fill(`${server.url}remote-cut/squeezenet1_1.safetensors`);
  await page.getByTestId('weights-url-load').click();
  await expectError(/interrupted|stopped/);
  await screenshot(page, 'photo-bad-input');
  // Through all of it the SqueezeNet weights stayed loaded and still classify.
  assert.equal(await page.getByTestId('photo-lab').getAttribute('data-weights'), 'loaded');
  const goodAfter = await classify({ name: 'rocket-again.jpg', mimeType: 'image/jpeg', buffer: fs.readFileSync(path.join(shared, 'photos', 'skimage_rocket.jpg')) });
  assert.deepEqual(goodAfter, goodBefore);
  assert.deepEqual(unexpectedErrors(), []);
});

test('a 50-megapixel photo is reduced by the browser, said so, and classified', async () => {
  // Made in the page (a smooth gradient, so the PNG stays small), then given to photo-input.
  await page.evaluate(async () => {
    const c = new OffscreenCanvas(8660, 5774);
    const g = c.getContext('2d');
    const grad = g.createLinearGradient(0, 0, 8660, 5774);
    grad.addColorStop(0, '#204080');
    grad.addColorStop(1, '#e0c040');
    g.fillStyle = grad;
    g.fillRect(0, 0, 8660, 5774);
    const blob = await c.convertToBlob({ type: 'image/png' });
    const dt = new DataTransfer();
    dt.items.add(new File([blob], 'huge.png', { type: 'image/png' }));
    const input = document.querySelector('[data-testid=photo-input]');
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await page.locator('[data-testid=top5][data-photo="huge.png"]').waitFor({ timeout: 120_000 });
  assert.match(await page.getByTestId('photo-reduced').innerText(), /8660×5774/);
  assert.match(await page.getByTestId('photo-info').innerText(), /8660×5774/);
  assert.deepEqual(unexpectedErrors(), []);
});

test('a checkpoint given by URL downloads with progress and comes from the cache the next time', async () => {
  const wrong = `${server.url}remote/wrong.safetensors`;
  const fetchWrong = async () => {
    await page.getByTestId('weights-url').fill(wrong);
    await page.getByTestId('weights-url-load').click();
    await expectError(/features\.0\.weight/);
  };
  await fetchWrong();
  const url = `${server.url}remote/squeezenet1_1.safetensors`;
  await page.getByTestId('weights-url').fill(url);
  await page.getByTestId('weights-url-load').click();
  const progress = page.getByTestId('load-progress');
  await progress.waitFor();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=load-progress]')?.dataset.loaded) > 0);
  assert.equal(Number(await progress.getAttribute('data-total')), safetensors.length);
  await screenshot(page, 'photo-download-progress');
  await page.waitForFunction((u) => document.querySelector('[data-testid=weights-loaded]')?.textContent.includes(u), url);
  const fetched = server.requests.filter((p) => p === '/remote/squeezenet1_1.safetensors').length;
  assert.equal(fetched, 1);
  // A second visit: the same URL loads from the Cache API without asking the server.
  await page.reload();
  await choose('squeezenet1_1');
  await page.getByTestId('weights-url').fill(url);
  await page.getByTestId('weights-url-load').click();
  await page.waitForFunction(() => /from this browser's cache/.test(document.querySelector('[data-testid=weights-loaded]')?.textContent ?? ''));
  assert.equal(server.requests.filter((p) => p === '/remote/squeezenet1_1.safetensors').length, 1);
  // The checkpoint that did not load was not kept: asking again goes to the server again.
  await fetchWrong();
  assert.equal(server.requests.filter((p) => p === '/remote/wrong.safetensors').length, 2);
  const got = await classify(path.join(shared, 'photos', 'wonnx_pelican.jpeg'));
  assert.equal(got[0].index, reference.top5['wonnx_pelican.jpeg'][0].index);
  assert.deepEqual(unexpectedErrors(), []);
});

/** A JPEG with an EXIF APP1 segment saying "rotate 90° clockwise" (orientation 6) put first. */
function withOrientation6(jpeg) {
  const exif = Buffer.from([
    0xff, 0xe1, 0x00, 0x22, // APP1, length 34
    0x45, 0x78, 0x69, 0x66, 0x00, 0x00, // "Exif\0\0"
    0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF header, IFD at 8
    0x00, 0x01, // one entry
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00, // Orientation = 6
    0x00, 0x00, 0x00, 0x00, // no next IFD
  ]);
  return Buffer.concat([jpeg.subarray(0, 2), exif, jpeg.subarray(2)]);
}

test('EXIF orientation is respected; photos also come by drop and by paste', async () => {
  const rocket = fs.readFileSync(path.join(shared, 'photos', 'skimage_rocket.jpg'));
  await classify({ name: 'upright.jpg', mimeType: 'image/jpeg', buffer: rocket });
  assert.match(await page.getByTestId('photo-info').innerText(), /Photo: 640×427 pixels/);
  await classify({ name: 'rotated.jpg', mimeType: 'image/jpeg', buffer: withOrientation6(rocket) });
  assert.match(await page.getByTestId('photo-info').innerText(), /Photo: 427×640 pixels, resized to 256×383/);
  // Drop a file on the photo area, then paste one anywhere on the page.
  const bytes = [...fs.readFileSync(path.join(shared, 'photos', 'wonnx_bald_eagle.jpeg'))];
  for (const how of ['drop', 'paste']) {
    await page.evaluate(([how, bytes]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], `${how}.jpeg`, { type: 'image/jpeg' }));
      if (how === 'drop') {
        document.querySelector('[data-testid=photo-drop]').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      } else {
        document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }
    }, [how, bytes]);
    const row = page.locator(`[data-testid=top5][data-photo="${how}.jpeg"] [data-testid=top5-row]`).first();
    await row.waitFor({ timeout: 60_000 });
    assert.equal(Number(await row.getAttribute('data-index')), reference.top5['wonnx_bald_eagle.jpeg'][0].index);
  }
  assert.deepEqual(unexpectedErrors(), []);
});
