// End-to-end: the page's frame — header, model picker with every network of the notes, main view,
// status line with the compute backend, and the Web Worker answering the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openPage, screenshot } from './harness.mjs';

// Every network of the notes, in the picker's order (src/catalog.rs).
const NETWORKS = [
  'lenet5', 'lenet5_modern', 'alexnet_paper', 'alexnet', 'zfnet', 'vgg11', 'vgg11_lrn', 'vgg13',
  'vgg16_c', 'vgg16', 'vgg19', 'vgg11_bn', 'vgg13_bn', 'vgg16_bn', 'vgg19_bn', 'googlenet_paper',
  'googlenet', 'resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152', 'nin',
  'wide_resnet50_2', 'resnext50_32x4d', 'stochastic_depth_110', 'fractalnet', 'densenet121',
  'squeezenet1_0', 'squeezenet1_1',
];

let server;
before(async () => { server = await serveDist(); });
after(async () => { await server?.close(); });

test('with WebGPU: frame renders, worker answers, backend says WebGPU', async () => {
  const context = await launch({ webgpu: true });
  try {
    const { page, errors } = await openPage(context, server.url);
    await page.getByTestId('model-picker').waitFor();
    await page.getByTestId('header').waitFor();

    const ids = await page.getByTestId('model-entry').evaluateAll((els) => els.map((e) => e.dataset.model));
    assert.deepEqual(ids, NETWORKS);
    const labels = await page.getByTestId('model-picker').innerText();
    assert.ok(!labels.includes('coming'), `every network should be described: ${labels}`);
    for (const name of ['LeNet-5', 'AlexNet', 'ZFNet', 'VGG-11', 'LRN', 'VGG-19', 'GoogLeNet',
      'ResNet-18', 'ResNet-152', 'Network in Network', 'Wide ResNet', 'ResNeXt', 'Stochastic Depth',
      'FractalNet', 'DenseNet-121', 'SqueezeNet 1.0', 'SqueezeNet 1.1']) {
      assert.ok(labels.includes(name), `picker lacks ${name}`);
    }

    // The status line names the engine that runs and the adapter the worker found: SwiftShader
    // is a software adapter, so `auto` keeps the CPU engine (tests/e2e/webgpu.test.mjs forces it).
    const worker = page.getByTestId('worker-status');
    await page.waitForSelector('[data-testid=worker-status][data-state=ready]', { timeout: 30_000 });
    assert.match(await worker.innerText(), /self-check passed/);
    const backend = page.getByTestId('backend-status');
    // The engine's status comes after the self-check's answer, once the adapter was looked for.
    await page.waitForSelector('[data-testid=backend-status][data-engine=cpu]', { timeout: 30_000 });
    assert.equal(await backend.innerText(), 'CPU (packed, wasm SIMD)');
    assert.equal(await backend.getAttribute('data-engine'), 'cpu');
    await page.waitForFunction(() => document.querySelector('[data-testid=backend-status]')?.dataset.adapter);
    assert.match(await backend.getAttribute('data-adapter'), /swiftshader/i);
    assert.match(await page.getByTestId('gpu-note').innerText(), /WebGPU adapter .*swiftshader.* is a software one/i);
    assert.equal(await page.getByTestId('backend-toggle').inputValue(), 'auto');

    // Picking a network changes the main view.
    await page.locator('[data-testid=model-entry][data-model=resnet50]').click();
    assert.equal(await page.getByTestId('model-title').innerText(), 'ResNet-50');
    assert.match(await page.getByTestId('model-paper').innerText(), /Deep Residual Learning/);
    assert.equal(await page.locator('[data-testid=model-entry][data-model=resnet50]').getAttribute('aria-pressed'), 'true');

    await screenshot(page, 'frame-webgpu');
    assert.deepEqual(errors(), []);
  } finally {
    await context.close();
  }
});

test('without WebGPU: the status line says CPU engine, no WebGPU, and the page still works', async () => {
  const context = await launch({ webgpu: false });
  try {
    const { page, errors } = await openPage(context, server.url);
    await page.waitForSelector('[data-testid=worker-status][data-state=ready]', { timeout: 30_000 });
    await page.waitForFunction(() => /no WebGPU/i.test(document.querySelector('[data-testid=gpu-note]')?.textContent));
    await page.waitForSelector('[data-testid=backend-status][data-engine=cpu]');
    assert.equal(await page.getByTestId('backend-status').innerText(), 'CPU (packed, wasm SIMD)');
    assert.equal(await page.getByTestId('backend-status').getAttribute('data-engine'), 'cpu');
    assert.equal(await page.getByTestId('backend-status').getAttribute('data-adapter'), '');
    // Chromium without the flag has navigator.gpu in the worker but gives no adapter.
    assert.match(await page.getByTestId('gpu-note').innerText(), /^No WebGPU: .*(missing|no adapter)/);
    // Asking for WebGPU where there is none keeps the CPU engine and says so.
    await page.getByTestId('backend-toggle').selectOption('webgpu');
    // The worker's answer to the new choice: still the CPU engine.
    await page.waitForSelector('[data-testid=backend-status][data-choice=webgpu]');
    assert.equal(await page.getByTestId('backend-status').getAttribute('data-engine'), 'cpu');
    assert.match(await page.getByTestId('gpu-note').innerText(), /no WebGPU/i);
    await screenshot(page, 'frame-cpu');
    assert.deepEqual(errors(), []);
  } finally {
    await context.close();
  }
});
