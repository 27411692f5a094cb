import { createS3Client, loadEnv, ObjectStorage, StoredObjectInfo } from '@quire/platform';
import { listKeys, removeBucket, testEnv, testS3Client, waitFor } from '@quire/testing';
import { GatewayEnv } from '../gateway.env';
import { StagingSweeper } from './staging-sweeper';

describe('StagingSweeper (real S3)', () => {
  const s3 = testS3Client();
  let env: GatewayEnv;
  let storage: ObjectStorage;
  let sweeper: StagingSweeper;

  beforeAll(async () => {
    env = loadEnv(GatewayEnv, testEnv({ HTTP_PORT: '0', UPLOAD_STAGING_TTL_SECONDS: '60' }));
    storage = new ObjectStorage(createS3Client(env), env.S3_BUCKET);
    await storage.ensureBucket();
    sweeper = new StagingSweeper(storage, env);
  });

  afterAll(async () => {
    storage?.client.destroy();
    if (env) await removeBucket(s3, env.S3_BUCKET);
  });

  beforeEach(async () => storage.delete(await listKeys(s3, env.S3_BUCKET)));

  async function info(key: string): Promise<StoredObjectInfo> {
    for await (const object of storage.list(key)) if (object.key === key) return object;
    throw new Error(`${key} not listed`);
  }

  const modifiedAt = async (key: string): Promise<number> => (await info(key)).lastModified!.getTime();

  it('deletes staging objects older than the TTL, keeps fresh ones and everything outside staging/', async () => {
    await storage.put('staging/old', 'old');
    await storage.put('documents/old', 'not staged');
    const old = await modifiedAt('staging/old');
    // A fresh object strictly younger than the old one (the store keeps milliseconds).
    const fresh = await waitFor(
      async () => {
        await storage.put('staging/fresh', 'fresh');
        const at = await modifiedAt('staging/fresh');
        return at > old && at;
      },
      { description: 'a later modification time' },
    );

    expect(await sweeper.sweep(new Date())).toBe(0);

    // At fresh + TTL, "old" is past the TTL and "fresh" exactly at it.
    const deleted = await sweeper.sweep(new Date(fresh + env.UPLOAD_STAGING_TTL_SECONDS * 1000));

    expect(deleted).toBe(1);
    expect((await listKeys(s3, env.S3_BUCKET)).sort()).toEqual(['documents/old', 'staging/fresh']);
  });

  it('pages through more than one listing page', async () => {
    const keys = Array.from({ length: 1050 }, (_, i) => `staging/bulk-${String(i).padStart(4, '0')}`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((key) => storage.put(key, 'x')));
    }
    await storage.put('stagingish/kept', 'a prefix look-alike');

    const deleted = await sweeper.sweep(new Date(Date.now() + (env.UPLOAD_STAGING_TTL_SECONDS + 1) * 1000));

    expect(deleted).toBe(1050);
    expect(await listKeys(s3, env.S3_BUCKET)).toEqual(['stagingish/kept']);
  });
});
