import { CommonEnv } from '../config/env';
import { createS3Client, ObjectStorage } from './object-storage';

describe('ObjectStorage presigned URLs', () => {
  const env = Object.assign(new CommonEnv(), {
    S3_ENDPOINT: 'http://minio:9000',
    S3_FORCE_PATH_STYLE: true,
    S3_ACCESS_KEY_ID: 'key',
    S3_SECRET_ACCESS_KEY: 'secret',
  });

  it('are signed for the internal endpoint by default', async () => {
    const url = new URL(await new ObjectStorage(createS3Client(env), 'quire').presignGet('a/b.docx', 60));
    expect(url.origin).toBe('http://minio:9000');
    expect(url.pathname).toBe('/quire/a/b.docx');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
  });

  it('are signed for S3_PUBLIC_ENDPOINT when it is set, so browsers and agents can reach them', async () => {
    const publicClient = createS3Client({ ...env, S3_ENDPOINT: 'https://files.example.com' } as CommonEnv);
    const storage = new ObjectStorage(createS3Client(env), 'quire', publicClient);
    const url = new URL(await storage.presignGet('a/b.docx', 60, 'report 1.docx'));
    expect(url.origin).toBe('https://files.example.com');
    expect(url.searchParams.get('response-content-disposition')).toBe('attachment; filename="report_1.docx"');
  });
});
