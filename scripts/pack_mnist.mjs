// Packs the training lab's digits from MNIST's idx files (../shared/data/mnist): the first 12,000
// training and 2,000 test digits as bytes, gzip-compressed, into static/data/mnist-lab.bin.gz,
// which the page ships and its worker reads (src/mnist.rs `unpack` reads this layout: the magic
// "ATLAS-MNIST1", the two counts as little-endian u32, the labels, then the pixels). Run by
// scripts/setup.sh; does nothing when the file is already there. The counts must equal
// PAGE_TRAIN_DIGITS and PAGE_TEST_DIGITS in src/train/lab.rs (a native test checks the file).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync, constants } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = process.env.MNIST_DIR ?? join(root, '..', 'shared', 'data', 'mnist');
const out = join(root, 'static', 'data', 'mnist-lab.bin.gz');
const [TRAIN, TEST] = [12000, 2000];

if (existsSync(out) && !process.argv.includes('--force')) process.exit(0);
const read = (name, magic) => {
  const path = join(src, name);
  if (!existsSync(path)) {
    console.error(`pack_mnist: ${path} is missing: the training lab will say its digits are not in this build`);
    process.exit(0);
  }
  const b = gunzipSync(readFileSync(path));
  if (b.readUInt32BE(0) !== magic) throw new Error(`${path}: not an idx file`);
  return b;
};
const take = (split, n) => {
  const images = read(`${split}-images-idx3-ubyte.gz`, 2051);
  const labels = read(`${split}-labels-idx1-ubyte.gz`, 2049);
  return { labels: labels.subarray(8, 8 + n), pixels: images.subarray(16, 16 + n * 784) };
};
const train = take('train', TRAIN);
const test = take('t10k', TEST);
const head = Buffer.alloc(20);
head.write('ATLAS-MNIST1', 0, 'ascii');
head.writeUInt32LE(TRAIN, 12);
head.writeUInt32LE(TEST, 16);
const raw = Buffer.concat([head, train.labels, test.labels, train.pixels, test.pixels]);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, gzipSync(raw, { level: constants.Z_BEST_COMPRESSION }));
console.log(`pack_mnist: ${TRAIN} training and ${TEST} test digits → ${out}`);
