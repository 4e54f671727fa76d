// End-to-end: weights put beside the page by `atlas fetch-weights` (here the real SqueezeNet 1.1,
// converted to f16 from ../shared/weights into a temporary folder that the test server serves as
// weights/) are listed in the manifest and loaded when the network is opened, with no user step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serveDist, launch, openPage, screenshot } from './harness.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
const shared = path.resolve(root, '..', 'shared');
const reference = JSON.parse(fs.readFileSync(path.join(shared, 'reference', 'photos_squeezenet1_1.json'), 'utf8'));

let server, context, page, errors, dir;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-bundled-'));
  // The shipped manifest without SqueezeNet 1.1: the entry the page reads is the one
  // `fetch-weights` writes.
  const shipped = JSON.parse(fs.readFileSync(path.join(root, 'static', 'weights', 'manifest.json'), 'utf8'));
  delete shipped.squeezenet1_1;
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(shipped));
  execFileSync('cargo', ['run', '--release', '--quiet', '--bin', 'atlas', '--', 'fetch-weights', 'squeezenet1_1',
    '--f16', '--from', path.join(shared, 'weights', 'squeezenet1_1.pth'), '--out', dir], { cwd: root, stdio: 'inherit' });
  const written = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  assert.deepEqual(written.squeezenet1_1, {
    file: 'squeezenet1_1.safetensors',
    bytes: fs.statSync(path.join(dir, 'squeezenet1_1.safetensors')).size,
    dtype: 'f16',
  }, 'fetch-weights lists the file it wrote');
  assert.equal(written.lenet5, shipped.lenet5, 'and keeps the entries it found');
  const file = (name, type) => (req, res) => {
    res.writeHead(200, { 'content-type': type });
    fs.createReadStream(path.join(dir, name)).pipe(res);
  };
  server = await serveDist({
    routes: {
      '/weights/manifest.json': file('manifest.json', 'application/json'),
      '/weights/squeezenet1_1.safetensors': file('squeezenet1_1.safetensors', 'application/octet-stream'),
    },
  });
  context = await launch();
  ({ page, errors } = await openPage(context, server.url));
  await page.getByTestId('model-picker').waitFor();
});
after(async () => {
  await context?.close(); await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('f16 weights from `atlas fetch-weights` load by themselves and classify like torchvision', async () => {
  await page.locator('[data-testid=model-entry][data-model=squeezenet1_1]').click();
  const ready = page.getByTestId('weights-loaded');
  await ready.waitFor({ timeout: 60_000 });
  assert.match(await ready.innerText(), /weights\/squeezenet1_1\.safetensors/);
  await page.getByTestId('photo-input').setInputFiles(path.join(shared, 'photos', 'pytorchhub_dog.jpg'));
  const top5 = page.locator('[data-testid=top5][data-photo="pytorchhub_dog.jpg"]');
  await top5.waitFor({ timeout: 60_000 });
  const first = top5.getByTestId('top5-row').first();
  const want = reference.top5['pytorchhub_dog.jpg'][0];
  assert.equal(Number(await first.getAttribute('data-index')), want.index);
  assert.ok(Math.abs(Number(await first.getAttribute('data-prob')) - want.prob) <= 0.01);
  await top5.scrollIntoViewIfNeeded();
  await screenshot(page, 'photo-bundled-weights');
  assert.deepEqual(errors(), []);
});
