// The built site (`cargo xtask docs`) as a reader sees it, in headless Chromium: every
// operation of the reference renders, each with its sample languages and each sample's
// text; no page logs a console error or throws; every guide page loads and each of its
// links resolves (the reference included). Run by `cargo xtask docs --check`.
//
// node check.mjs <site dir> <expectations.json> [--screenshot <png>]
// expectations.json: {"operations": [{"operation", "tag", "samples": {label: source}}],
//                     "languages": [label], "pages": ["introduction.html", ...]}
import { createServer } from 'node:http';
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join, normalize } from 'node:path';
import puppeteer from 'puppeteer-core';

const [site, expectationsPath, ...rest] = process.argv.slice(2);
const screenshot = rest[0] === '--screenshot' ? rest[1] : undefined;
const expected = JSON.parse(await readFile(expectationsPath, 'utf8'));
const failures = [];
const fail = (what) => { failures.push(what); console.log(`  FAIL ${what}`); };

// The site over HTTP on 127.0.0.1, as Pages serves it.
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
  '.woff2': 'font/woff2', '.yaml': 'text/yaml' };
const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
  let file = join(site, path);
  try {
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404); res.end('not found');
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? 'chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu'],
});
// What a page asks of other origins: nothing here reaches the network. An image (Redoc's
// "API docs by Redocly" logo) gets a blank stand-in; a script, style or request elsewhere
// is a failure, since the site must work from its own files.
const external = new Set();
async function open(label) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith(origin) || url.startsWith('data:')) return request.continue();
    external.add(`${request.resourceType()} ${url}`);
    if (request.resourceType() === 'image') {
      return request.respond({ status: 200, contentType: 'image/svg+xml',
        body: '<svg xmlns="http://www.w3.org/2000/svg"/>' });
    }
    fail(`${label}: asks another origin for a ${request.resourceType()}: ${url}`);
    return request.abort();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') fail(`${label}: console error: ${m.text()} (${m.location()?.url ?? 'no URL'})`);
  });
  page.on('pageerror', (e) => fail(`${label}: uncaught: ${e.message}`));
  return page;
}

// The reference: each operation under its tag, with its samples.
const reference = await open('reference');
await reference.goto(`${origin}/reference/index.html`, { waitUntil: 'networkidle0' });
const sectionOf = ({ tag, operation }) => `[data-section-id="/${tag}/${operation}"]`;
async function show(op) {
  await reference.evaluate((hash) => { window.location.hash = hash; }, `#/${op.tag}/${op.operation}`);
  return reference.waitForSelector(sectionOf(op), { timeout: 10000 }).catch(() => null);
}
// The language menu of an operation's sample panel: the dropdown whose button names a language.
async function languageButton(op, page = reference) {
  const buttons = await page.$$(`${sectionOf(op)} [data-testid="right-panel"] button[aria-haspopup="menu"]`);
  for (const button of buttons) {
    const text = (await button.evaluate((b) => b.textContent.trim()));
    if (expected.languages.includes(text)) return button;
  }
  return null;
}
// The open menu's items that name a language (the menu may render outside the section).
async function menuItems(page = reference) {
  const found = [];
  for (const item of await page.$$('[role="menuitem"], [role="menuitemradio"], [role="option"]')) {
    const text = await item.evaluate((e) => e.textContent.trim());
    if (expected.languages.includes(text)) found.push([text, item]);
  }
  return found;
}
// Chooses `label` in the operation's language menu (opening it when it is closed); false
// when the menu has no such language.
async function choose(page, op, label) {
  if ((await menuItems(page)).length === 0) await (await languageButton(op, page))?.click();
  for (const [text, item] of await menuItems(page)) {
    if (text === label) { await item.click(); return true; }
  }
  return false;
}
const squash = (text) => text.replace(/\s+/g, ' ').trim();
let rendered = 0;
let shown = 0;
for (const op of expected.operations) {
  if (!(await show(op))) { fail(`reference: ${op.operation} does not render under #/${op.tag}`); continue; }
  rendered += 1;
  const labels = expected.languages.filter((l) => l in op.samples);
  // The sample panel renders after the section: wait for its language button a while.
  await reference.waitForFunction((selector, languages) => [...document.querySelectorAll(selector)]
    .some((b) => languages.includes(b.textContent.trim())),
  { timeout: labels.length ? 10000 : 2000 },
  `${sectionOf(op)} [data-testid="right-panel"] button[aria-haspopup="menu"]`, expected.languages)
    .catch(() => null);
  const button = await languageButton(op);
  if (labels.length === 0) {
    if (button) fail(`reference: ${op.operation} shows samples it has none of`);
    continue;
  }
  if (!button) { fail(`reference: ${op.operation} has no sample panel`); continue; }
  await button.click();
  const items = (await menuItems()).map(([text]) => text);
  const offered = expected.languages.filter((l) => items.includes(l));
  if (offered.join('|') !== labels.join('|')) {
    fail(`reference: ${op.operation} offers [${offered}], not [${labels}]`);
  }
  for (const label of labels) {
    // Choose the language, then read the code block.
    if (!(await choose(reference, op, label))) { fail(`reference: ${op.operation}: no ${label} in its language menu`); continue; }
    const code = await reference.$eval(`${sectionOf(op)} [data-testid="right-panel"] [data-component-name="CodeBlock/CodeBlock"]`,
      (e) => e.innerText).catch(() => '');
    if (!squash(code).includes(squash(op.samples[label]))) {
      fail(`reference: ${op.operation}: the ${label} tab does not show the generated sample`);
    } else {
      shown += 1;
    }
  }
}
console.log(`reference: ${rendered} of ${expected.operations.length} operations render; ${shown} samples shown as generated`);

if (screenshot) {
  // On a page of its own, opened at the operation, with the Rust sample chosen; taken again
  // when the picture comes out blank (Redoc still laying the page out).
  const op = expected.operations.find((o) => o.operation === 'get_agent');
  let taken = false;
  for (let attempt = 0; attempt < 5 && !taken; attempt += 1) {
    const page = await open('screenshot');
    await page.goto(`${origin}/reference/index.html#/${op.tag}/${op.operation}`, { waitUntil: 'networkidle0' });
    const section = await page.waitForSelector(sectionOf(op), { timeout: 10000 });
    await new Promise((done) => setTimeout(done, 1000));
    // Redoc remembers the last language chosen: choose Rust.
    await choose(page, op, 'Rust');
    await page.evaluate((selector) => document.querySelector(selector).scrollIntoView(), sectionOf(op));
    await new Promise((done) => setTimeout(done, 1000));
    const box = await section.boundingBox();
    const png = await section.screenshot({
      clip: { x: 0, y: 0, width: box.width, height: Math.min(box.height, 760) } });
    // A blank picture compresses to almost nothing; the operation's is tens of KB.
    if (png.length > 20000) {
      await writeFile(screenshot, png);
      taken = true;
    }
    await page.close();
  }
  if (!taken) fail('screenshot: the operation kept rendering blank');
  // The site was built before the picture was taken: give it the new one too.
  await mkdir(join(site, 'images'), { recursive: true });
  await copyFile(screenshot, join(site, 'images', basename(screenshot)));
  console.log(`screenshot: ${screenshot}`);
}

// The guide: every page loads, and every link on it resolves (anchors included).
const pages = await open('guide');
const cache = new Map();
async function fetchText(url) {
  if (!cache.has(url)) {
    const res = await fetch(url);
    cache.set(url, { ok: res.ok, text: res.ok ? await res.text() : '' });
  }
  return cache.get(url);
}
let links = 0;
for (const name of expected.pages) {
  const url = `${origin}/${name}`;
  const res = await pages.goto(url, { waitUntil: 'networkidle0' });
  if (!res.ok()) { fail(`guide: ${name} answers ${res.status()}`); continue; }
  const title = await pages.$eval('main h1', (h) => h.textContent).catch(() => '');
  if (!title) fail(`guide: ${name} has no title`);
  const hrefs = await pages.$$eval('main a[href]', (as) => as.map((a) => a.href));
  for (const href of hrefs) {
    if (!href.startsWith(origin)) continue;
    links += 1;
    const [target, anchor] = href.split('#');
    const got = await fetchText(target);
    if (!got.ok) { fail(`guide: ${name} links to ${href.slice(origin.length)}, which is not there`); continue; }
    // A Redoc route (`#/tag/op`) is the reference's own; an anchor must name an element.
    if (anchor && !anchor.startsWith('/') && !got.text.includes(`id="${anchor}"`)) {
      fail(`guide: ${name} links to #${anchor} in ${target.slice(origin.length)}, which has no such id`);
    }
  }
}
const intro = await fetchText(`${origin}/introduction.html`);
if (!intro.text.includes('href="reference/index.html')) fail('guide: the introduction does not link to the reference');
console.log(`guide: ${expected.pages.length} pages, ${links} links on this site checked`);
for (const request of external) console.log(`stood in for (no network here): ${request}`);

await browser.close();
server.close();
if (failures.length) {
  console.error(`\n${failures.length} problems:\n${failures.join('\n')}`);
  process.exit(1);
}
console.log('the site renders as generated: no problem');
