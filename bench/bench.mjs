// `make bench`: our engine against onnxruntime-web in one headless Chromium session. Our side
// runs in the page's own worker (the path a reader's photo takes), loading each checkpoint as a
// reader would; the peer runs ../shared/peers/*.onnx with its wasm execution provider (one
// thread, SIMD) on the same splitmix-v1 input. Prints a table with median, min and max of the
// timed runs and the ratio ours / onnxruntime-web, and writes target/bench/results.json.
// Then the WebGPU engine (on the page's main thread) against onnxruntime-web's WebGPU execution
// provider on the browser's adapter (SwiftShader, a GPU emulated on the CPU, where the machine
// has no GPU: the table says which). A benchmark, never a pass/fail test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';

const root = path.resolve(import.meta.dirname, '..');
const shared = path.resolve(root, '..', 'shared');
const out = path.join(root, 'target', 'bench');
fs.mkdirSync(out, { recursive: true });
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);

// Checkpoints: SqueezeNet 1.1's real weights (those of the ONNX peer), LeNet-5's shipped ones,
// the splitmix-v1 checkpoint for the others (resnet18_splitmix.onnx holds the same).
const atlas = (...args) => execFileSync('cargo', ['run', '--release', '--quiet', '--bin', 'atlas', '--', ...args],
  { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
const files = {
  lenet5: path.join(root, 'static', 'weights', 'lenet5.safetensors'),
  squeezenet1_1: path.join(shared, 'weights', 'squeezenet1_1.safetensors'),
};
for (const m of ['resnet18', 'googlenet', 'vgg16']) {
  files[m] = path.join(out, `${m}.safetensors`);
  if (!fs.existsSync(files[m])) atlas('splitmix', m, '--out', files[m]);
}
const MODELS = [
  { model: 'lenet5', shape: [1, 1, 32, 32] },
  { model: 'squeezenet1_1', shape: [1, 3, 224, 224], onnx: 'squeezenet1_1.onnx' },
  { model: 'resnet18', shape: [1, 3, 224, 224], onnx: 'resnet18_splitmix.onnx' },
  { model: 'googlenet', shape: [1, 3, 224, 224] },
  { model: 'vgg16', shape: [1, 3, 224, 224] },
];

// The splitmix-v1 input (../shared/reference/README.md): 2u − 1 for the tensor named "input".
function splitmixInput(n) {
  const M = (1n << 64n) - 1n;
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from('input')) h = ((h ^ BigInt(b)) * 0x100000001b3n) & M;
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let x = (h + BigInt(i) + 0x9e3779b97f4a7c15n) & M;
    let z = ((x ^ (x >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
    z ^= z >> 31n;
    v[i] = 2 * (Number(z >> 40n) / 16777216) - 1;
  }
  return v;
}

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json' };
function serve() {
  const dist = process.env.BENCH_DIST ? path.resolve(process.env.BENCH_DIST) : path.join(root, 'dist');
  const routes = [
    ['/ort/', path.join(root, 'node_modules', 'onnxruntime-web', 'dist')],
    ['/peers/', path.join(shared, 'peers')],
    ['/ckpt/', null],
    ['/bench/', path.join(root, 'bench')],
    ['/', dist],
  ];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let file;
    if (url.pathname.startsWith('/ckpt/')) file = files[path.basename(url.pathname, '.safetensors')];
    else {
      const [prefix, dir] = routes.find(([p]) => url.pathname.startsWith(p));
      file = path.join(dir, decodeURIComponent(url.pathname.slice(prefix.length)) || 'index.html');
    }
    if (!file || !fs.existsSync(file) || fs.statSync(file).isDirectory()) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream', 'content-length': fs.statSync(file).size });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

const stats = (t) => {
  const s = [...t].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median, min: s[0], max: s[s.length - 1] };
};

const server = await serve();
const base = `http://127.0.0.1:${server.address().port}`;
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-bench-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--enable-unsafe-webgpu'],
});
const page = context.pages()[0] ?? await context.newPage();
await page.goto(`${base}/?bench`);
await page.waitForFunction(() => typeof window.atlasBench === 'function');
const ortPage = await context.newPage();
await ortPage.goto(`${base}/bench/ort.html`);
await ortPage.waitForFunction(() => typeof window.ortBench === 'function');
const ortGpuPage = await context.newPage();
await ortGpuPage.goto(`${base}/bench/ort_webgpu.html`);
await ortGpuPage.waitForFunction(() => typeof window.ortBenchGpu === 'function');
const cpu = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? os.cpus()[0]?.model ?? 'unknown CPU';
const browser = context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent));
const rows = [];
// BENCH_MODELS narrows the CPU rows (all by default), BENCH_GPU_MODELS the WebGPU ones.
const CPU_MODELS = (process.env.BENCH_MODELS ?? MODELS.map((m) => m.model).join(',')).split(',');
for (const m of MODELS.filter((m) => CPU_MODELS.includes(m.model))) {
  const ours = JSON.parse(await page.evaluate(([model, w, r]) => window.atlasBench(model, `/ckpt/${model}.safetensors`, w, r), [m.model, WARMUP, RUNS]));
  const row = { model: m.model, engine: ours.engine, ours: stats(ours.times_ms), memory_mib: ours.memory_bytes / 2 ** 20, ours_output_sum: ours.output_sum };
  if (m.onnx) {
    const n = m.shape.reduce((a, b) => a * b, 1);
    const peer = await ortPage.evaluate(([url, input, shape, w, r]) => window.ortBench(url, input, shape, w, r),
      [`/peers/${m.onnx}`, Array.from(splitmixInput(n)), m.shape, WARMUP, RUNS]);
    row.ort = stats(peer.times_ms);
    row.ort_output_sum = peer.output_sum;
    row.ratio = row.ours.median / row.ort.median;
  }
  rows.push(row);
  console.error(`${m.model}: done`);
}
// WebGPU: fewer runs (an emulated GPU is slow), and two for VGG-16, which takes about a minute
// a pass on SwiftShader.
const GPU_RUNS = Number(process.env.BENCH_GPU_RUNS ?? 5);
const GPU_MODELS = (process.env.BENCH_GPU_MODELS ?? MODELS.map((m) => m.model).join(',')).split(',');
const gpuRuns = (model) => (model === 'vgg16' ? Math.min(2, GPU_RUNS) : GPU_RUNS);
const gpuRows = [];
// BENCH_GPU_KERNELS: kernel policies separated by ';' (`auto;baseline`), each timed in turn
// (src/engine/gpu/kernels.rs); the engine's own choice by default.
const GPU_KERNELS = (process.env.BENCH_GPU_KERNELS ?? '').split(';');
for (const m of MODELS.filter((m) => GPU_MODELS.includes(m.model))) {
  let peer;
  for (const kernels of GPU_KERNELS) {
    const ours = JSON.parse(await page.evaluate(([model, w, r, k]) => window.atlasBenchGpu(model, `/ckpt/${model}.safetensors`, w, r, k), [m.model, 1, gpuRuns(m.model), kernels]));
    const row = { model: m.model, kernels: ours.kernels, adapter: ours.adapter, ours: stats(ours.times_ms), ours_output_sum: ours.output_sum };
    if (m.onnx) {
      const n = m.shape.reduce((a, b) => a * b, 1);
      peer ??= await ortGpuPage.evaluate(([url, input, shape, w, r]) => window.ortBenchGpu(url, input, shape, w, r),
        [`/peers/${m.onnx}`, Array.from(splitmixInput(n)), m.shape, 1, gpuRuns(m.model)]);
      row.ort = stats(peer.times_ms);
      row.ort_output_sum = peer.output_sum;
      row.ratio = row.ours.median / row.ort.median;
    }
    gpuRows.push(row);
    console.error(`${m.model} (WebGPU, kernels ${row.kernels}): done`);
  }
}
await context.close();
fs.rmSync(profile, { recursive: true, force: true });
server.close();
const result = { date: new Date().toISOString(), cpu, cores: os.cpus().length, browser: `Chromium ${browser}`, warmup: WARMUP, runs: RUNS, rows, webgpu: { runs: GPU_RUNS, warmup: 1, rows: gpuRows } };
fs.writeFileSync(path.join(out, 'results.json'), JSON.stringify(result, null, 2));
const f = (v) => (v === undefined ? '–' : v.toFixed(1));
console.log(`\nForward pass, ms (median [min–max] of ${RUNS} runs after ${WARMUP} warm-up), ${cpu}, ${result.browser}, one thread:\n`);
console.log('| model | ours (CPU engine) | onnxruntime-web 1.30 wasm | ours / ort | worker memory |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  const o = `${f(r.ours.median)} [${f(r.ours.min)}–${f(r.ours.max)}]`;
  const p = r.ort ? `${f(r.ort.median)} [${f(r.ort.min)}–${f(r.ort.max)}]` : '–';
  console.log(`| ${r.model} | ${o} | ${p} | ${r.ratio ? r.ratio.toFixed(2) : '–'} | ${r.memory_mib.toFixed(0)} MiB |`);
}
for (const r of rows.filter((r) => r.ort)) {
  const rel = Math.abs(r.ours_output_sum - r.ort_output_sum) / Math.max(1, Math.abs(r.ort_output_sum));
  console.log(`${r.model}: sum of outputs ${r.ours_output_sum.toFixed(3)} ours, ${r.ort_output_sum.toFixed(3)} onnxruntime-web (relative difference ${rel.toExponential(1)})`);
}

const adapter = gpuRows[0]?.adapter ?? 'no adapter';
const software = /swiftshader|software|llvmpipe/i.test(adapter);
console.log(`\nWebGPU forward pass, ms (median [min–max] of ${GPU_RUNS} runs after 1 warm-up, 2 for vgg16; logits read back), adapter: ${adapter}${software ? ' — a GPU emulated on the CPU, not a real GPU' : ''}:\n`);
console.log('| model | kernels | ours (WebGPU engine) | onnxruntime-web 1.30 webgpu | ours / ort |');
console.log('|---|---|---|---|---|');
for (const r of gpuRows) {
  const o = `${f(r.ours.median)} [${f(r.ours.min)}–${f(r.ours.max)}]`;
  const p = r.ort ? `${f(r.ort.median)} [${f(r.ort.min)}–${f(r.ort.max)}]` : '–';
  console.log(`| ${r.model} | ${r.kernels} | ${o} | ${p} | ${r.ratio ? r.ratio.toFixed(2) : '–'} |`);
}
for (const r of gpuRows.filter((r) => r.ort)) {
  const rel = Math.abs(r.ours_output_sum - r.ort_output_sum) / Math.max(1, Math.abs(r.ort_output_sum));
  console.log(`${r.model} (WebGPU): sum of outputs ${r.ours_output_sum.toFixed(3)} ours, ${r.ort_output_sum.toFixed(3)} onnxruntime-web (relative difference ${rel.toExponential(1)})`);
}
