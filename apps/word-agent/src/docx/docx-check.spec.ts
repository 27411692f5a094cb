import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { makeDocx, zip } from '../../test/support/docx-fixture';
import { isCompleteDocx } from './docx-check';

describe('isCompleteDocx', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'word-agent-docx-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function check(name: string, content: Buffer) {
    const file = path.join(dir, name);
    await writeFile(file, content);
    return isCompleteDocx(file);
  }

  it('accepts a zip with word/document.xml', async () => {
    expect(await check('ok.docx', makeDocx('hello'))).toBe(true);
  });

  it('rejects a half-written file, another zip, a non-zip and a missing file', async () => {
    const full = makeDocx('hello');
    expect(await check('half.docx', full.subarray(0, Math.floor(full.length / 2)))).toBe(false);
    expect(await check('other.docx', zip({ 'xl/workbook.xml': '<x/>' }))).toBe(false);
    expect(await check('text.docx', Buffer.from('not a zip'))).toBe(false);
    expect(await isCompleteDocx(path.join(dir, 'missing.docx'))).toBe(false);
  });
});
