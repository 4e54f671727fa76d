#!/usr/bin/env node
// Screenshots of every kind of view to look at (not a test): the release build (dist/) served,
// each view at 1400×1000 and at 390×844 (touch), in English and in 简体中文, with a photo classified
// and a layer open in SqueezeNet 1.1's lab first, so that the views show what a student's session
// shows. Writes target/screens/<lang>-<width>-<view>.png (the screen) and …-diagram.png (the
// diagram's panel).
//
//   node scripts/screens.mjs [view,view,…]
import fs from 'node:fs';
import path from 'node:path';
import { serveDist, launch, openPage } from '../tests/e2e/harness.mjs';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'target', 'screens');
fs.mkdirSync(out, { recursive: true });
const VIEWS = (process.argv[2] ?? 'squeezenet1_1,lenet5,alexnet,vgg16,googlenet,resnet152,densenet121,concepts,compare,train').split(',');
const server = await serveDist();
const problems = [];
for (const lang of ['en', 'zh']) {
  for (const [width, height] of [[1400, 1000], [390, 844]]) {
    const phone = width < 500;
    const context = await launch({ viewport: { width, height }, touch: phone });
    const { page, errors } = await openPage(context, `${server.url}?view=squeezenet1_1&lang=${lang}`);
    await page.waitForSelector('[data-testid=weights-loaded]', { timeout: 120_000 });
    await page.locator('[data-testid=sample-photo][data-photo="chelsea.png"]').click();
    await page.locator('[data-testid=top5][data-photo="chelsea.png"] [data-testid=top5-row]').first().waitFor({ timeout: 60_000 });
    await page.getByTestId('layer-select').selectOption({ index: 4 });
    await page.getByTestId('enlarged-map').waitFor({ timeout: 60_000 });
    for (const view of VIEWS) {
      // Within the page (the photo and the open layer stay), through the menu on a phone.
      if (phone) await page.getByTestId('menu-toggle').click();
      await page.locator(`[data-testid=sidebar] [data-model=${view}]`).first().click();
      await page.waitForSelector(`[data-testid=main-view][data-model=${view}], [data-testid=compare-view], [data-testid=concepts-view]`);
      await page.waitForTimeout(1500);
      if (view === 'train') {
        // Mid-run: a few measurements in.
        await page.getByTestId('train-start').click();
        await page.waitForFunction(() => Number(document.querySelector('[data-testid=train-examples]')
          ?.getAttribute('data-value')) >= 8000, null, { timeout: 120_000 });
        await page.getByTestId('train-lab').screenshot({ path: path.join(out, `${lang}-${width}-train-lab.png`) });
        await page.getByTestId('train-stop-lab').click();
      }
      if (view === 'lenet5' || view === 'lenet5_modern') {
        // A 1 drawn from the keyboard, the pen left down at its foot (its hint shown).
        await page.getByTestId('digit-canvas').focus();
        for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowUp');
        await page.keyboard.press('Space');
        for (let i = 0; i < 16; i++) await page.keyboard.press('ArrowDown');
        await page.waitForSelector('[data-testid=lenet-lab][data-busy=false]');
      }
      if (view === 'compare') {
        // A stage read out from the keyboard.
        await page.locator('[data-testid=stage-bar] [data-testid=stage]').nth(2).focus();
      }
      const name = `${lang}-${width}-${view}`;
      await page.screenshot({ path: path.join(out, `${name}.png`) });
      const diagram = page.getByTestId('diagram-panel');
      if (await diagram.count()) {
        await diagram.scrollIntoViewIfNeeded();
        await diagram.screenshot({ path: path.join(out, `${name}-diagram.png`) });
      }
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      if (wide > width) problems.push(`${name}: the page is ${wide} px wide`);
    }
    problems.push(...errors().map((e) => `${lang} ${width}: ${e}`));
    await context.close();
  }
}
await server.close();
console.log(`screenshots in ${path.relative(process.cwd(), out)}`);
if (problems.length) {
  console.log(problems.join('\n'));
  process.exitCode = 1;
}
