import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadEnv } from '@quire/platform';
import { frameAncestorsOf, GatewayEnv } from '../gateway.env';
import { ViewerAssets } from './viewer-assets';

describe('viewer assets and settings', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'viewer-assets-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the built page and its js / css assets, nothing else', () => {
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');
    writeFileSync(path.join(dir, 'assets', 'main-ABC.js'), 'x()');
    writeFileSync(path.join(dir, 'assets', 'main-ABC.css'), 'a{}');
    writeFileSync(path.join(dir, 'assets', 'notes.txt'), 'no');
    const assets = new ViewerAssets(dir);
    expect(assets.missing).toBeUndefined();
    expect(assets.page!.toString()).toBe('<!doctype html>');
    expect(assets.asset('main-ABC.js')).toEqual({ body: Buffer.from('x()'), contentType: 'text/javascript; charset=utf-8' });
    expect(assets.asset('main-ABC.css')!.contentType).toBe('text/css; charset=utf-8');
    expect(assets.asset('notes.txt')).toBeUndefined();
    expect(assets.asset('../index.html')).toBeUndefined();
  });

  it("names a session's first calls as preloads in its page; any other id gets the plain page", () => {
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<head><!--quire:preload--></head>');
    const assets = new ViewerAssets(dir);
    const id = 'A'.repeat(32);
    const page = assets.pageFor(id)!.toString();
    expect(page).toContain(`<link rel="preload" href="/pas/quire/viewerSession?DocumentID=u${id}" as="fetch" crossorigin>`);
    expect(page).toContain(`/pas/Document/q/Attributes?DocumentID=u${id}`);
    expect(page).toContain(`/pas/Page/q/0/Attributes?DocumentID=u${id}`);
    for (const other of [undefined, '"><script>x</script>', ['a'], 'short']) expect(assets.pageFor(other)!.toString()).toBe('<head><!--quire:preload--></head>');
  });

  it('a missing build is a message that says how to build, not an empty page', () => {
    const assets = new ViewerAssets(path.join(dir, 'nothing'));
    expect(assets.page).toBeUndefined();
    expect(assets.missing).toMatch(/not built.*npm run build/);
  });

  it("VIEWER_FRAME_ANCESTORS: 'self' by default; origins, 'self' and 'none' (alone) only", () => {
    const base = { JWT_SECRET: 'x'.repeat(40), HTTP_PORT: '3000' };
    expect(frameAncestorsOf(loadEnv(GatewayEnv, base).VIEWER_FRAME_ANCESTORS)).toEqual(["'self'"]);
    const listed = loadEnv(GatewayEnv, { ...base, VIEWER_FRAME_ANCESTORS: "'self', https://app.example.com http://localhost:8080" });
    expect(frameAncestorsOf(listed.VIEWER_FRAME_ANCESTORS)).toEqual(["'self'", 'https://app.example.com', 'http://localhost:8080']);
    for (const bad of ['*', "'none' 'self'", 'https://app.example.com/path', "'unsafe-inline'", 'javascript:x']) {
      expect(() => loadEnv(GatewayEnv, { ...base, VIEWER_FRAME_ANCESTORS: bad })).toThrow(/VIEWER_FRAME_ANCESTORS/);
    }
  });
});
