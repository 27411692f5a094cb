import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import sharp from 'sharp';
import { buildPagedDocx, buildTextPdf, E2eStack, launchChromium, RunningApp, signInAs, TestIdentity, waitFor } from '@quire/testing';

const PAGES = 20;
/** A word found once in the document, on page 8 (index 7). */
const KNOWN_WORD = 'zebrafish';
const KNOWN_WORD_PAGE = 7;

function twentyPages(): Buffer {
  return buildTextPdf(
    Array.from({ length: PAGES }, (_, page) => [
      `Page ${page + 1} of the viewer test document`,
      ...Array.from({ length: 30 }, (_, line) => `Line ${line + 1}: results of the specimen batch ${page * 100 + line}`),
      ...(page === KNOWN_WORD_PAGE ? [`The ${KNOWN_WORD} sample was positive`] : []),
    ]),
  );
}

/** Full page images (`/pas/Page/q/{n}?…`, not thumbnails `/pas/Page/q/{n}/160x160`) a page asked for. */
function recordPageImages(page: Page): Set<number> {
  const asked = new Set<number>();
  page.on('request', (request) => {
    const match = /\/pas\/Page\/q\/(\d+)\?/.exec(request.url());
    if (match) asked.add(Number(match[1]));
  });
  return asked;
}

function recordConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message: ConsoleMessage) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(String(error)));
  return errors;
}

/**
 * The browser viewer in real Chromium (Debian's, driven by playwright-core) against the real
 * gateway, identity and viewing-session processes: sessions are created through the API, the
 * documents converted and rendered for real (PDF: poppler; docx: LibreOffice + poppler).
 */
describe('browser viewer (Chromium + gateway + viewing-session + identity)', () => {
  const e2e = new E2eStack();
  let env: Record<string, string>;
  let gateway: RunningApp;
  let user: TestIdentity;
  let browser: Browser;
  let context: BrowserContext;
  let sessionId: string;
  let embedder: Server;
  let stranger: Server;

  const api = async (method: string, path: string, body?: unknown, raw?: Buffer) => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${user.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : raw,
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };

  async function uploadSession(bytes: Buffer, displayName: string): Promise<string> {
    const { viewingSessionId } = (await api('POST', '/pas/ViewingSession', { source: { type: 'upload', displayName } })) as { viewingSessionId: string };
    await api('PUT', `/pas/ViewingSession/u${viewingSessionId}/SourceFile`, undefined, bytes);
    return viewingSessionId;
  }

  const viewerUrl = (id: string) => `${gateway.url}/viewer?viewingSessionId=${id}`;

  async function openViewer(id: string, page: Page): Promise<void> {
    await page.goto(viewerUrl(id));
    await page.waitForSelector('html[data-first-page="visible"]', { timeout: 60_000 });
  }

  const site = (html: string) =>
    new Promise<Server>((resolve) => {
      const server = createServer((_request, response) => void response.writeHead(200, { 'content-type': 'text/html' }).end(html));
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
  const origin = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  beforeAll(async () => {
    // Two sites that frame the viewer: one allowed by VIEWER_FRAME_ANCESTORS, one not.
    embedder = await site('<!doctype html><title>embedder</title>');
    stranger = await site('<!doctype html><title>stranger</title>');
    env = await e2e.open('viewer', { RATE_LIMIT_PER_MINUTE: '100000', VIEWER_FRAME_ANCESTORS: `'self' ${origin(embedder)}` });
    await e2e.start('identity', 'viewing-session');
    [gateway] = await e2e.start('gateway');
    user = await signInAs({ gatewayUrl: gateway.url, env });
    [browser, sessionId] = await Promise.all([launchChromium(), uploadSession(twentyPages(), 'twenty.pdf')]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await e2e.close();
    await Promise.all([embedder, stranger].map((server) => new Promise((resolve) => server?.close(resolve))));
  });

  describe('a 20-page document', () => {
    let page: Page;
    let images: Set<number>;
    let consoleErrors: string[];

    beforeAll(async () => {
      page = await context.newPage();
      images = recordPageImages(page);
      consoleErrors = recordConsoleErrors(page);
      await openViewer(sessionId, page);
    }, 90_000);

    afterAll(() => page?.close());

    it('lays out all 20 pages at open, shows page 1 (its pixels are not blank) and fetches only the images near the view', async () => {
      expect(await page.locator('.page').count()).toBe(PAGES);
      const heights = await page.$$eval('.page', (pages) => pages.map((element) => element.getBoundingClientRect().height));
      expect(heights.every((height) => height > 100)).toBe(true);
      expect(await page.locator('#page-count').textContent()).toBe(String(PAGES));
      const shot = await page.locator('.page[data-page="0"]').screenshot();
      const { data, info } = await sharp(shot).greyscale().raw().toBuffer({ resolveWithObject: true });
      const dark = data.reduce((count, value) => count + (value < 128 ? 1 : 0), 0);
      // Text covers a few percent of a page; a blank (white) or missing image has none.
      expect(dark / (info.width * info.height)).toBeGreaterThan(0.002);
      expect(images.has(0)).toBe(true);
      expect(images.size).toBeLessThanOrEqual(3);
    });

    it('scrolling loads later pages as they come into view, not all at once', async () => {
      const before = images.size;
      await page.$eval('.page[data-page="12"]', (element) => element.scrollIntoView());
      await page.waitForSelector('.page[data-page="12"][data-loaded]', { timeout: 30_000 });
      expect(images.has(12)).toBe(true);
      expect(images.size).toBeGreaterThan(before);
      // Jumped over: the pages between were never near the view.
      expect(images.has(6)).toBe(false);
      expect(images.size).toBeLessThan(10);
      await waitFor(async () => (await page.locator('#page-input').inputValue()) !== '1', { description: 'the page number to follow the scroll' });
    });

    it('zoom changes the rendered width (steps, fit page, fit width)', async () => {
      const width = () => page.$eval('.page[data-page="12"]', (element) => element.getBoundingClientRect().width);
      const fitWidth = await width();
      await page.click('#zoom-in');
      const zoomedIn = await width();
      expect(zoomedIn).toBeGreaterThan(fitWidth * 1.05);
      await page.selectOption('#zoom-select', 'fit-page');
      const fitPage = await width();
      expect(fitPage).toBeLessThan(fitWidth);
      await page.keyboard.press('w');
      expect(Math.abs((await width()) - fitWidth)).toBeLessThan(2);
      // A page kept in view gets an image at the new scale when the zoom needs one.
      await page.selectOption('#zoom-select', '3');
      await page.waitForSelector('.page[data-page="12"][data-loaded="3"]', { timeout: 30_000 });
      await page.keyboard.press('w');
    });

    it('search over the Text API highlights the known word on its page and goes there', async () => {
      await page.fill('#search-input', KNOWN_WORD);
      await page.press('#search-input', 'Enter');
      const hit = page.locator(`.page[data-page="${KNOWN_WORD_PAGE}"] .mark.hit`);
      await hit.first().waitFor({ timeout: 30_000 });
      expect(await hit.count()).toBe(1);
      expect(await page.locator('.mark.hit').count()).toBe(1);
      expect(await page.locator('#search-count').textContent()).toBe('1 of 1');
      await waitFor(async () => (await page.locator('#page-input').inputValue()) === String(KNOWN_WORD_PAGE + 1), { description: 'the view to move to the hit' });
      // The highlight sits on the text: inside the page, a word's size, with the word's dark pixels under it.
      const pageBox = (await page.locator(`.page[data-page="${KNOWN_WORD_PAGE}"]`).boundingBox())!;
      const box = (await hit.boundingBox())!;
      expect(box.x).toBeGreaterThan(pageBox.x);
      expect(box.width).toBeGreaterThan(20);
      expect(box.width).toBeLessThan(pageBox.width / 3);
      await page.waitForSelector(`.page[data-page="${KNOWN_WORD_PAGE}"][data-loaded]`);
      await page.evaluate(`document.querySelectorAll('.mark').forEach((mark) => (mark.style.visibility = 'hidden'))`);
      const under = await page.screenshot({ clip: box });
      const { data } = await sharp(under).greyscale().raw().toBuffer({ resolveWithObject: true });
      expect(data.some((value) => value < 100)).toBe(true);
      await page.evaluate(`document.querySelectorAll('.mark').forEach((mark) => (mark.style.visibility = ''))`);
    });

    it('navigates with the page box, the buttons, the thumbnails and the keyboard', async () => {
      const current = async () => Number(await page.locator('#page-input').inputValue());
      await page.fill('#page-input', '15');
      await page.press('#page-input', 'Enter');
      await waitFor(async () => (await current()) === 15, { description: 'go to page 15' });
      await page.keyboard.press('n');
      await waitFor(async () => (await current()) === 16, { description: 'n: next page' });
      await page.click('#prev-page');
      await waitFor(async () => (await current()) === 15, { description: 'previous page' });
      await page.keyboard.press('Home');
      await waitFor(async () => (await current()) === 1, { description: 'Home: first page' });
      await page.click('.thumb[data-page="4"]');
      await waitFor(async () => (await current()) === 5, { description: 'thumbnail 5' });
      expect(await page.locator('.thumb[aria-current="page"]').getAttribute('data-page')).toBe('4');
      // Thumbnails are lazy too: the strip does not fetch all 20.
      const thumbs = await page.$$eval('.thumb[data-loaded]', (elements) => elements.length);
      expect(thumbs).toBeGreaterThan(0);
      expect(thumbs).toBeLessThan(PAGES);
    });

    it('logged no console errors', () => {
      expect(consoleErrors).toEqual([]);
    });
  });

  it('serves its CSP; an injected inline script, inline handler and inline style do not run', async () => {
    const response = await fetch(viewerUrl(sessionId));
    expect(response.headers.get('content-security-policy')).toBe(
      `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self' ${origin(embedder)}`,
    );
    expect(response.headers.get('x-frame-options')).toBeNull();
    const page = await context.newPage();
    try {
      await openViewer(sessionId, page);
      // Runs in the page (as an attacker's injected markup would arrive), not through the viewer's code.
      const result = (await page.evaluate(`(async () => {
        const violations = [];
        document.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective));
        const script = document.createElement('script');
        script.textContent = 'window.__injected = "script"';
        document.body.append(script);
        document.body.insertAdjacentHTML('beforeend', '<img id="injected-img" src="data:," onload="window.__handler = 1" onerror="window.__handler = 2">');
        document.body.insertAdjacentHTML('beforeend', '<div id="injected-style" style="width: 123px; position: absolute">x</div>');
        await new Promise((resolve) => setTimeout(resolve, 200));
        return { script: window.__injected, handler: window.__handler, width: document.getElementById('injected-style').getBoundingClientRect().width, violations };
      })()`)) as { script?: string; handler?: number; width: number; violations: string[] };
      expect(result.script).toBeUndefined();
      expect(result.handler).toBeUndefined();
      expect(result.width).not.toBe(123);
      expect(result.violations).toEqual(expect.arrayContaining([expect.stringMatching(/^script-src/), expect.stringMatching(/^style-src/)]));
    } finally {
      await page.close();
    }
  });

  it('can be framed by an allowed origin and not by another', async () => {
    const page = await context.newPage();
    try {
      const framed = async (host: Server, timeout: number) => {
        await page.goto(origin(host));
        await page.evaluate(`(() => {
          const frame = document.createElement('iframe');
          frame.src = ${JSON.stringify(viewerUrl(sessionId))};
          frame.width = '800';
          frame.height = '600';
          document.body.append(frame);
        })()`);
        const frame = await waitFor(() => page.frames().find((f) => f !== page.mainFrame()), { description: 'the iframe' });
        await frame.waitForLoadState('load', { timeout: 30_000 }).catch(() => undefined);
        return frame.waitForSelector('html[data-first-page="visible"]', { timeout }).then(
          () => true,
          () => false,
        );
      };
      expect(await framed(embedder, 30_000)).toBe(true);
      expect(await framed(stranger, 5_000)).toBe(false);
    } finally {
      await page.close();
    }
  }, 90_000);

  it('an expired session says so', async () => {
    const expired = await uploadSession(buildTextPdf([['soon gone']]), 'expired.pdf');
    const pg = new Client({ connectionString: e2e.databaseUrl });
    await pg.connect();
    try {
      await pg.query(`UPDATE viewing.viewing_sessions SET expires_at = now() - interval '1 minute' WHERE id = $1`, [expired]);
    } finally {
      await pg.end();
    }
    const page = await context.newPage();
    try {
      await page.goto(viewerUrl(expired));
      await page.waitForSelector('html[data-state="error"]', { timeout: 30_000 });
      expect(await page.locator('#status-title').textContent()).toMatch(/expired/i);
      expect(await page.locator('#status').isVisible()).toBe(true);
      await page.goto(`${gateway.url}/viewer`);
      await page.waitForSelector('html[data-state="error"]');
      expect(await page.locator('#status-title').textContent()).toMatch(/no document/i);
    } finally {
      await page.close();
    }
  });

  it('a comparison session shows both sides; the change list highlights the change and jumps to its page', async () => {
    const filler = (tag: string) => Array.from({ length: 12 }, (_, i) => `${tag} paragraph ${i + 1} about the clinical report and its findings.`);
    const original = buildPagedDocx([filler('First'), filler('Second'), [...filler('Third'), 'The patient was discharged on Monday morning.']]);
    const revised = buildPagedDocx([filler('First'), filler('Second'), [...filler('Third'), 'The patient was discharged on Friday morning.']]);
    const { viewingSessionId: id } = (await api('POST', '/pas/ViewingSession', { source: { type: 'comparison', original: { type: 'upload' }, revised: { type: 'upload' } } })) as {
      viewingSessionId: string;
    };
    await api('PUT', `/pas/v2/viewingSessions/${id}/sourceFile/original`, undefined, original);
    await api('PUT', `/pas/v2/viewingSessions/${id}/sourceFile/revised`, undefined, revised);
    // Opened once the comparison is computed: while it runs, revisionData answers 480 NotReady
    // (waited out by the viewer, but logged by the browser as a failed load).
    await waitFor(
      async () => {
        const response = await fetch(`${gateway.url}/pas/v2/viewingSessions/${id}/revisionData?limit=1000`);
        const body = (await response.json()) as { continueToken?: string };
        return response.status === 200 && !body.continueToken;
      },
      { timeoutMs: 120_000, intervalMs: 500, description: 'the comparison to be computed' },
    );
    const page = await context.newPage();
    const consoleErrors = recordConsoleErrors(page);
    try {
      await openViewer(id, page);
      expect(await page.locator('html').getAttribute('data-kind')).toBe('comparison');
      expect(await page.locator('.document-column[data-side="original"] .page[data-loaded]').count()).toBeGreaterThan(0);
      expect(await page.locator('.document-column[data-side="revised"] .page[data-loaded]').count()).toBeGreaterThan(0);
      const change = page.locator('.change', { hasText: 'Friday' });
      await change.first().waitFor({ timeout: 60_000 });
      await change.first().click();
      for (const side of ['original', 'revised']) {
        await waitFor(async () => (await page.locator(`.document-column[data-side="${side}"]`).getAttribute('data-current-page')) === '2', { description: `${side} on page 3` });
        await page.locator(`.document-column[data-side="${side}"] .page[data-page="2"] .mark.change-current`).first().waitFor({ timeout: 10_000 });
      }
      for (const side of ['original', 'revised']) {
        expect(await page.locator(`.document-column[data-side="${side}"] .page[data-page="2"] .mark.change-replacement`).count()).toBeGreaterThan(0);
      }
      // Each side is marked with its own word's box: Friday (revised) is narrower than Monday (original).
      const width = (side: string) => page.locator(`.document-column[data-side="${side}"] .page[data-page="2"] .mark.change-replacement`).first().boundingBox();
      expect((await width('revised'))!.width).toBeLessThan((await width('original'))!.width);
      expect(consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 180_000);
});
