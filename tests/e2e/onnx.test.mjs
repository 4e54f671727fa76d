// End-to-end (issue 21): your own network. The real SqueezeNet 1.1 as ONNX (../shared/peers),
// opened through `onnx-input`, becomes a network page like the zoo's (`main-view` with
// `data-model` the file's name, its layer table, diagram and receptive fields) and classifies
// every shared photo as torchvision does (same top-1, top-5 within 0.01). An MNIST network
// (tests/fixtures/onnx) opens by drop and reads a digit drawn on the pad, its outputs named by a
// labels file; a CIFAR-sized one opens from an address on a second origin. Every bad file gets its
// message in `onnx-error` and the networks opened stay; the files picked are never requested
// from the server (nothing is uploaded).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { serveDist, launch, openPage, screenshot, audit } from './harness.mjs';
import { DIGITS, place, drawStrokes } from './digits.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
const shared = path.resolve(root, '..', 'shared');
const fixtures = path.join(root, 'tests', 'fixtures', 'onnx');
const reference = JSON.parse(fs.readFileSync(path.join(shared, 'reference', 'photos_squeezenet1_1.json'), 'utf8'));

let server, other, context, page, errors;
const otherRequests = [];
before(async () => {
  server = await serveDist();
  // A second origin serving a fixture with CORS, as a model host would.
  other = http.createServer((req, res) => {
    otherRequests.push(req.url);
    const file = path.join(fixtures, path.basename(new URL(req.url, 'http://x').pathname));
    if (!fs.existsSync(file)) { res.writeHead(404, { 'access-control-allow-origin': '*' }).end(); return; }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'access-control-allow-origin': '*' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((ok) => other.listen(0, '127.0.0.1', ok));
  context = await launch();
  ({ page, errors } = await openPage(context, `${server.url}?view=onnx`));
  await page.getByTestId('onnx-open').waitFor({ timeout: 60_000 });
});

after(async () => {
  await context?.close();
  await server?.close();
  await new Promise((ok) => other.close(ok));
});

/** Opens a file through `onnx-input`; waits for its page. */
async function open(file, name = path.basename(file)) {
  await page.getByTestId('onnx-entry').click();
  await page.getByTestId('onnx-input').setInputFiles(typeof file === 'string' ? file : { name, mimeType: 'application/octet-stream', buffer: file });
  await page.waitForSelector(`[data-testid=main-view][data-model="${name}"] [data-testid=file-lab]`, { timeout: 120_000 });
}

/** Gives `name` as a file and waits for `onnx-error` to say what `re` matches. */
async function refused(buffer, name, re) {
  await page.getByTestId('onnx-entry').click();
  await page.getByTestId('onnx-input').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
  const error = page.getByTestId('onnx-error');
  await page.waitForFunction(([src]) => new RegExp(src).test(document.querySelector('[data-testid=onnx-error]')?.textContent ?? ''), [re.source], { timeout: 60_000 })
    .catch(async () => assert.fail(`${name}: expected ${re}, the page shows: ${await error.innerText().catch(() => '(nothing)')}`));
}

async function top5(photo) {
  const rows = page.locator(`[data-testid=top5][data-photo="${photo}"] [data-testid=top5-row]`);
  await rows.first().waitFor({ timeout: 60_000 });
  const out = [];
  for (let i = 0; i < await rows.count(); i++) {
    const r = rows.nth(i);
    out.push({ index: Number(await r.getAttribute('data-index')), label: await r.getAttribute('data-label'), prob: Number(await r.getAttribute('data-prob')) });
  }
  return out;
}

test('squeezenet1_1.onnx opens as a network page and classifies every photo like torchvision', async () => {
  await open(path.join(shared, 'peers', 'squeezenet1_1.onnx'));
  const view = page.locator('[data-testid=main-view][data-model="squeezenet1_1.onnx"]');
  assert.equal(await view.getByTestId('model-title').innerText(), 'squeezenet1_1.onnx');
  assert.match(await view.innerText(), /1,235,496/);
  assert.match(await view.getByTestId('model-remarks').innerText(), /Opened from squeezenet1_1\.onnx \(ONNX opset 17/);
  // The picker lists it under the reader's own networks.
  await page.locator('[data-testid=model-entry][data-model="squeezenet1_1.onnx"]').waitFor();
  assert.match(await page.getByTestId('onnx-naming').innerText(), /ImageNet/);
  for (const [photo, want] of Object.entries(reference.top5)) {
    await page.getByTestId('photo-input').setInputFiles(path.join(shared, 'photos', photo));
    const got = await top5(photo);
    assert.equal(got.length, 5, photo);
    assert.equal(got[0].index, want[0].index, `${photo}: top-1 ${got[0].label}, torchvision ${want[0].label}`);
    for (const w of want) {
      const g = got.find((r) => r.index === w.index);
      if (g) assert.ok(Math.abs(g.prob - w.prob) <= 0.01, `${photo}: p(${w.label}) ${g.prob} vs ${w.prob}`);
      else assert.ok(w.prob <= got[4].prob + 0.01, `${photo}: ${w.label} missing from the top-5`);
    }
  }
  // Every layer's maps: the explorer shows the chosen layer of the last photo.
  await page.getByTestId('file-lab').locator('[data-testid=feature-map], canvas').first().waitFor({ timeout: 60_000 });
  await screenshot(page, 'onnx-squeezenet');
  assert.deepEqual(await audit(page), []);
  // The receptive-field chart draws the file's network.
  assert.ok(await page.locator('[data-testid=rf-point]').count() > 10);
  // The compare view sets it beside the zoo's SqueezeNet 1.1: the same figures.
  await page.getByTestId('compare-entry').click();
  await page.getByTestId('compare-a').selectOption('squeezenet1_1.onnx');
  await page.getByTestId('compare-b').selectOption('squeezenet1_1');
  await page.waitForSelector('[data-testid=compare-view][data-a="squeezenet1_1.onnx"][data-b=squeezenet1_1]');
  for (const metric of ['params', 'macs', 'activation-bytes']) {
    const row = page.locator(`[data-testid=compare-table] tr[data-metric=${metric}]`);
    assert.equal(await row.getAttribute('data-a'), await row.getAttribute('data-b'), metric);
  }
  assert.equal(await page.locator('[data-testid=compare-table] tr[data-metric=params]').getAttribute('data-a'), '1235496');
  // The last photo the file's network ran is the one compare runs again, and the one it names.
  const [lastPhoto, lastWant] = Object.entries(reference.top5).at(-1);
  const said = page.getByTestId('compare-photo');
  assert.equal(await said.getAttribute('data-photo'), lastPhoto);
  assert.equal(await said.getAttribute('data-model'), 'squeezenet1_1.onnx');
  assert.match(await said.innerText(), new RegExp(lastPhoto.replace('.', '\\.')));
  const row = page.locator(`[data-testid=compare-top5][data-model="squeezenet1_1.onnx"] [data-testid=top5][data-photo="${lastPhoto}"] [data-testid=top5-row]`).first();
  await row.waitFor({ timeout: 60_000 });
  assert.equal(Number(await row.getAttribute('data-index')), lastWant[0].index);
});

test('an MNIST network opened by drop reads a drawn digit; a labels file names its outputs', async () => {
  await page.getByTestId('onnx-entry').click();
  const bytes = [...fs.readFileSync(path.join(fixtures, 'net_mnist.onnx'))];
  await page.evaluate((bytes) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], 'net_mnist.onnx'));
    document.querySelector('[data-testid=onnx-drop]').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, bytes);
  await page.waitForSelector('[data-testid=main-view][data-model="net_mnist.onnx"] [data-testid=file-lab]', { timeout: 60_000 });
  assert.match(await page.getByTestId('onnx-naming').innerText(), /10 outputs: shown by index/);
  await drawStrokes(page, page.getByTestId('digit-canvas'), place(DIGITS[3], { size: 200, cx: 140, cy: 140 }));
  let rows = await top5('pad');
  assert.equal(rows.length, 5);
  assert.ok(rows.every((r) => r.label === String(r.index)), JSON.stringify(rows));
  const total = rows.reduce((s, r) => s + r.prob, 0);
  assert.ok(total > 0 && total <= 1.0001, `${total}`);
  assert.ok(rows.every((r, i) => i === 0 || rows[i - 1].prob >= r.prob), `in order: ${JSON.stringify(rows)}`);
  // The file's weights are random, so what it reads is no measure; but it reads the pad: another
  // digit drawn gives other outputs.
  const seen = JSON.stringify(rows);
  await page.getByTestId('clear-button').click();
  // A blank pad runs nothing, and no engine or time is stated for it.
  await page.waitForSelector('[data-testid=onnx-result][data-engine=""]');
  assert.equal(await page.getByTestId('onnx-timing').count(), 0);
  await drawStrokes(page, page.getByTestId('digit-canvas'), place(DIGITS[7], { size: 200, cx: 140, cy: 140 }));
  await page.waitForFunction((seen) => {
    const rs = [...document.querySelectorAll('[data-testid=top5][data-photo="pad"] [data-testid=top5-row]')];
    return rs.length === 5 && JSON.stringify(rs.map((r) => ({
      index: Number(r.dataset.index), label: r.dataset.label, prob: Number(r.dataset.prob),
    }))) !== seen;
  }, seen, { timeout: 30_000 });
  const names = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
  await page.getByTestId('onnx-labels').setInputFiles({ name: 'digits.txt', mimeType: 'text/plain', buffer: Buffer.from(names.join('\n')) });
  await page.waitForFunction(() => /10 names from your file/.test(document.querySelector('[data-testid=onnx-naming]')?.textContent ?? ''));
  rows = await top5('pad');
  assert.ok(rows.every((r) => r.label === names[r.index]), JSON.stringify(rows));
  await screenshot(page, 'onnx-mnist');
});

test('a network opens from an address on another origin', async () => {
  await page.getByTestId('onnx-entry').click();
  const url = `http://127.0.0.1:${other.address().port}/net_cifar.onnx`;
  await page.getByTestId('onnx-url').fill(url);
  await page.getByTestId('onnx-url-open').click();
  await page.waitForSelector('[data-testid=main-view][data-model="net_cifar.onnx"] [data-testid=file-lab]', { timeout: 60_000 });
  assert.deepEqual(otherRequests, ['/net_cifar.onnx']);
  // A 3×32×32 network gets the photo lab at its size.
  assert.match(await page.getByTestId('file-lab').innerText(), /32×32/);
  await page.getByTestId('photo-input').setInputFiles(path.join(shared, 'photos', 'skimage_coffee.png'));
  const rows = await top5('skimage_coffee.png');
  assert.equal(rows.length, 5);
  const cpu = rows.map((r) => r.prob);
  assert.equal(await page.getByTestId('onnx-result').getAttribute('data-engine'), 'cpu');
  assert.match(await page.getByTestId('onnx-timing').innerText(), /CPU/);
  // On the WebGPU engine (SwiftShader here) the file's network gives the same probabilities.
  await page.getByTestId('backend-toggle').selectOption('webgpu');
  await page.waitForSelector('[data-testid=backend-status][data-engine=webgpu]', { timeout: 60_000 });
  await page.getByTestId('photo-input').setInputFiles({ name: 'coffee-again.png', mimeType: 'image/png', buffer: fs.readFileSync(path.join(shared, 'photos', 'skimage_coffee.png')) });
  const again = await top5('coffee-again.png');
  assert.equal(await page.getByTestId('onnx-result').getAttribute('data-engine'), 'webgpu');
  assert.match(await page.getByTestId('onnx-timing').innerText(), /WebGPU/);
  again.forEach((r, i) => assert.ok(Math.abs(r.prob - cpu[i]) < 1e-4, `${r.prob} vs ${cpu[i]}`));
  await page.getByTestId('backend-toggle').selectOption('auto');
  await page.waitForSelector('[data-testid=backend-status][data-engine=cpu]', { timeout: 60_000 });
});

test('bad files are refused with a message, and what was open stays', async () => {
  const cases = [
    ['bad_op.onnx', /node '\/erf\/Erf' runs the operator Erf, which ConvNet Atlas does not run\. It runs: Conv, BatchNormalization/],
    ['bad_dynamic.onnx', /dynamic size \(\? × 3 × \? × \?\)/],
    ['bad_two_inputs.onnx', /2 inputs \(input, second\)/],
    ['bad_opset.onnx', /opset 3; ConvNet Atlas reads opsets 7 to 22/],
  ];
  for (const [name, re] of cases) await refused(fs.readFileSync(path.join(fixtures, name)), name, re);
  const good = fs.readFileSync(path.join(fixtures, 'net_branches.onnx'));
  await refused(good.subarray(0, good.length >> 1), 'cut.onnx', /cut\.onnx is not an ONNX model, or it is cut short/);
  await refused(Buffer.from('not a model at all\n'), 'notes.onnx', /notes\.onnx (is not an ONNX model|holds no network graph)/);
  // Ten million empty nodes (20 MB, two bytes each): decoded, each would be a NodeProto in a
  // list; the worker measures that on the wire format first and refuses the file.
  const nodes = 10_000_000;
  const head = [0x3a];
  for (let len = 2 * nodes; ; len = Math.floor(len / 128)) {
    if (len < 128) { head.push(len); break; }
    head.push((len % 128) | 0x80);
  }
  const hostile = Buffer.alloc(head.length + 2 * nodes);
  Buffer.from(head).copy(hostile);
  for (let i = head.length; i < hostile.length; i += 2) hostile[i] = 0x0a;
  await refused(hostile, 'hostile.onnx', /hostile\.onnx \(19 MiB\) would take \d{4} MiB once decoded/);
  await screenshot(page, 'onnx-error');
  // The networks opened before are still there and still run.
  for (const name of ['squeezenet1_1.onnx', 'net_mnist.onnx', 'net_cifar.onnx']) {
    await page.locator(`[data-testid=model-entry][data-model="${name}"]`).waitFor();
  }
  await page.locator('[data-testid=model-entry][data-model="net_cifar.onnx"]').click();
  await page.getByTestId('photo-input').setInputFiles(path.join(shared, 'photos', 'skimage_rocket.jpg'));
  assert.equal((await top5('skimage_rocket.jpg')).length, 5);
  // A photo classified in the zoo's SqueezeNet 1.1 (its shipped weights): the compare view runs
  // it through each opened network at that network's size (224×224 beside 32×32), and says why
  // a digit network has no top-5 for a photo.
  await page.locator('[data-testid=model-entry][data-model=squeezenet1_1]').click();
  await page.getByTestId('weights-loaded').waitFor({ timeout: 60_000 });
  await page.getByTestId('photo-input').setInputFiles(path.join(shared, 'photos', 'skimage_coffee.png'));
  await page.locator('[data-testid=top5][data-photo="skimage_coffee.png"] [data-testid=top5-row]').first().waitFor({ timeout: 60_000 });
  await page.getByTestId('compare-entry').click();
  await page.getByTestId('compare-a').selectOption('squeezenet1_1.onnx');
  await page.getByTestId('compare-b').selectOption('net_cifar.onnx');
  for (const name of ['squeezenet1_1.onnx', 'net_cifar.onnx']) {
    await page.locator(`[data-testid=compare-top5][data-model="${name}"] [data-testid=top5-row]`).nth(4).waitFor({ timeout: 60_000 });
  }
  await page.getByTestId('compare-b').selectOption('net_mnist.onnx');
  const why = page.locator('[data-testid=compare-top5][data-model="net_mnist.onnx"] [data-testid=compare-top5-missing]');
  await why.waitFor({ timeout: 60_000 });
  assert.match(await why.innerText(), /reads a drawn digit, not a photo/);
  await screenshot(page, 'onnx-compare-top5');
  // Nothing the reader picked was sent anywhere: the page's server saw no request for a file.
  assert.ok(!server.requests.some((r) => /\.onnx$|digits\.txt/.test(r)), server.requests.filter((r) => r.includes('onnx')).join(', '));
  assert.deepEqual(errors(), []);
});
