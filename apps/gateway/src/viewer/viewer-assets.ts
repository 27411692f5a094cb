import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Where scripts/build.js writes the viewer: beside the compiled gateway (`dist/apps/gateway/viewer`). */
export const DEFAULT_VIEWER_ASSETS_DIR = path.resolve(__dirname, '../../viewer');

const PRELOAD_MARK = '<!--quire:preload-->';
const SESSION_ID = /^[A-Za-z0-9_-]{22,64}$/;

export interface ViewerAsset {
  body: Buffer;
  contentType: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The built viewer, read once at start: `index.html` and the content-hashed files under
 * `assets/` (their names change with their bytes, so they are cached for good). A gateway
 * started without a build serves a clear 503 at /viewer instead of a blank page.
 */
export class ViewerAssets {
  readonly page?: Buffer;
  readonly missing?: string;
  private readonly assets = new Map<string, ViewerAsset>();

  constructor(readonly dir: string) {
    try {
      this.page = readFileSync(path.join(dir, 'index.html'));
      for (const name of readdirSync(path.join(dir, 'assets'))) {
        const type = TYPES[path.extname(name)];
        if (type) this.assets.set(name, { body: readFileSync(path.join(dir, 'assets', name)), contentType: type });
      }
    } catch (error) {
      this.page = undefined;
      this.missing = `The viewer is not built: ${(error as Error).message}. Run \`npm run build\` (node scripts/build.js), which bundles apps/gateway/viewer with esbuild into ${dir}.`;
    }
  }

  /**
   * The page for one session: its first three calls (kind, page count, page 0 size) are named in
   * `<link rel="preload">`s, so the browser asks for them while it still fetches the script
   * (the script's fetch() then takes those answers). Any other id: the plain page.
   */
  pageFor(viewingSessionId: unknown): Buffer | undefined {
    if (!this.page || typeof viewingSessionId !== 'string' || !SESSION_ID.test(viewingSessionId)) return this.page;
    const html = this.page.toString('utf8');
    if (!html.includes(PRELOAD_MARK)) return this.page;
    const id = `DocumentID=u${viewingSessionId}`;
    const links = [`/pas/quire/viewerSession?${id}`, `/pas/Document/q/Attributes?${id}`, `/pas/Page/q/0/Attributes?${id}`]
      .map((href) => `<link rel="preload" href="${href}" as="fetch" crossorigin>`)
      .join('\n  ');
    return Buffer.from(html.replace(PRELOAD_MARK, links));
  }

  asset(name: string): ViewerAsset | undefined {
    return this.assets.get(name);
  }
}
