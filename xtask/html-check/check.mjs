// The HTML report of a failing run, in a real browser (headless Chromium, driven by
// playwright-core): it loads from disk without a console error and fetches nothing; a failing
// case, closed, opens on a click and shows its request and answer; the outcome filter hides the
// passed cases; a screenshot is kept. Run by `cargo xtask html-check`.
//   node check.mjs REPORT.html SCREENSHOT.png   (and SCREENSHOT-top.png: the page as it opens)
import { chromium } from 'playwright-core';

const [, , report, screenshot] = process.argv;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const wrong = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error') wrong.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => wrong.push(`script error: ${e}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) wrong.push(`fetched ${r.url()}`);
  });
  await page.goto(`file://${report}`);
  await page.screenshot({ path: screenshot.replace(/\.png$/, '-top.png') });
  const failed = page.locator('details.case[data-outcome=failed]').first();
  if (await failed.count() === 0) wrong.push('no failed case in the report of a failing run');
  else {
    await failed.evaluate((d) => { d.open = false; });
    await failed.locator('summary').click();
    if (!await failed.evaluate((d) => d.open)) wrong.push('a click does not open a failed case');
    for (const row of ['request', 'answer', 'why']) {
      const cell = failed.locator('td', { hasText: new RegExp(`^${row}$`) }).first();
      if (!await cell.isVisible()) wrong.push(`the opened case shows no ${row}`);
    }
    await failed.scrollIntoViewIfNeeded();
  }
  await page.locator('#filters input[value=passed]').uncheck();
  const shown = await page.locator('details.case[data-outcome=passed]:not(.hidden)').count();
  if (shown !== 0) wrong.push(`${shown} passed cases still shown with "passed" unticked`);
  await page.screenshot({ path: screenshot });
} finally {
  await browser.close();
}
if (wrong.length) {
  console.error(wrong.join('\n'));
  process.exit(1);
}
console.log(`the report works in ${report}; screenshot: ${screenshot}`);
