import { randomUUID } from 'node:crypto';
import { ServiceSchemas } from '@quire/contracts';
import { ServiceEnv } from '@quire/platform';
import { createMediumContext, MediumContext } from '@quire/testing';
import { StoredFile } from '../src/files/file.entity';
import { migrations } from '../src/migrations';
import { ViewingSourceRepository } from '../src/viewing/viewing-source.module';

describe('file viewing source (medium)', () => {
  let context: MediumContext;
  const A = randomUUID();
  const id = randomUUID();
  beforeAll(async () => {
    context = await createMediumContext({
      database: { schema: ServiceSchemas['file'], entities: [StoredFile], migrations },
      env: new ServiceEnv(),
      providers: [ViewingSourceRepository],
    });
    await context.dataSource.query(
      `INSERT INTO file.files (id, account_id, account_code, name, ext, size, content_type, sha256, category, target_id, target_type, creator_id, creator_username, storage_key)
       VALUES ($1, $2, 'A', 'scan.pdf', 'pdf', 42, 'application/pdf', $3, 'user_document', 'u1', 'user', 'u1', 'u1', $4)`,
      [id, A, 'c'.repeat(64), `file/${id}`],
    );
  });
  afterAll(() => context?.close());

  it('answers a file of the account, and nothing for another account or a malformed id', async () => {
    const sources = context.get(ViewingSourceRepository);
    expect(await sources.find({ accountId: A }, id)).toEqual({ objectKey: `file/${id}`, sizeBytes: 42, sha256: 'c'.repeat(64), contentType: 'application/pdf', name: 'scan.pdf' });
    expect(await sources.find({ accountId: randomUUID() }, id)).toBeUndefined();
    expect(await sources.find({ accountId: A }, id, 1)).toBeUndefined();
    expect(await sources.find({ accountId: A }, 'not-a-uuid')).toBeUndefined();
  });
});
