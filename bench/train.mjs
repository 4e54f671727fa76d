// Training speed (`make bench`): LeNet-5 trained in the page's worker (headless Chromium, the
// release build) — digits per second of the training steps at batch 64 for both variants, and
// how many seconds of training the lab's default settings take to pass 97 % on the test digits
// — and natively (`atlas bench-train`, one thread, batch 64). Writes target/bench/train.json.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serveDist, launch, openPage } from '../tests/e2e/harness.mjs';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'target', 'bench');
fs.mkdirSync(out, { recursive: true });

const server = await serveDist();
const context = await launch({ webgpu: false });
const { page } = await openPage(context, `${server.url}?view=train`);
const value = (id) => page.evaluate((id) => Number(document.querySelector(`[data-testid=${id}]`)?.dataset.value ?? NaN), id);
const waitFor = (id, min, timeout) => page.waitForFunction(([id, min]) =>
  Number(document.querySelector(`[data-testid=${id}]`)?.dataset.value) >= min, [id, min], { timeout });

async function start(design, batch) {
  await page.getByTestId('train-lab').waitFor();
  if (await page.getByTestId('train-stop-lab').count()) await page.getByTestId('train-stop-lab').click();
  await page.getByTestId('train-start').waitFor();
  await page.getByTestId('train-design').selectOption(design);
  await page.getByTestId('train-batch').selectOption(String(batch));
  await page.getByTestId('train-start').click();
}

const rows = [];
for (const [design, model] of [['modern', 'lenet5_modern'], ['paper', 'lenet5']]) {
  await start(design, 64);
  // Past the first measurement (V8 has optimised the code by then), then 20 s more.
  await waitFor('train-examples', 4000, 120_000);
  await page.waitForTimeout(20_000);
  rows.push({ model, batch: 64, page_examples_per_s: await value('train-speed') });
}

// The default settings: seconds of training until the test accuracy passes 97 %.
await page.getByTestId('train-stop-lab').click();
await page.reload();
await page.getByTestId('train-lab').waitFor();
await page.getByTestId('train-start').click();
await waitFor('train-test-accuracy', 0.97, 300_000);
const to97 = { seconds: await value('train-time'), digits: await value('train-examples'), accuracy: await value('train-test-accuracy') };
await context.close();
await server.close();

const native = JSON.parse(execFileSync('cargo', ['run', '--release', '--quiet', '--bin', 'atlas', '--', 'bench-train',
  '--mnist', path.join(root, '..', 'shared', 'data', 'mnist')], { cwd: root, env: { ...process.env, RAYON_NUM_THREADS: '1' } })
  .toString().trim().split('\n').pop()).native_training;
for (const r of rows) r.native_examples_per_s = native.find((n) => n.model === r.model)?.examples_per_s;

fs.writeFileSync(path.join(out, 'train.json'), JSON.stringify({ date: new Date().toISOString(), rows, default_to_97: to97 }, null, 2));
console.log('\nTraining LeNet-5, digits per second of the training steps (batch 64, one thread):\n');
console.log('| network | in the page (worker, wasm) | native | page / native |');
console.log('|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.model} | ${r.page_examples_per_s.toFixed(0)} | ${r.native_examples_per_s.toFixed(0)} | ${(r.page_examples_per_s / r.native_examples_per_s).toFixed(2)} |`);
}
console.log(`\nThe lab's default settings passed 97 % on the test digits after ${to97.seconds.toFixed(1)} s of training (${to97.digits} digits, ${(to97.accuracy * 100).toFixed(2)} %).`);
