import { randomUUID } from 'node:crypto';
import { ServiceSchemas } from '@quire/contracts';
import { ServiceEnv } from '@quire/platform';
import { createMediumContext, MediumContext } from '@quire/testing';
import { editSessionEntities } from '../src/edit-session.module';
import { migrations } from '../src/migrations';
import { ViewingSourceRepository } from '../src/viewing/viewing-source.module';

describe('lab report viewing source (medium)', () => {
  let context: MediumContext;
  const A = randomUUID();
  let reportId: string;
  beforeAll(async () => {
    context = await createMediumContext({
      database: { schema: ServiceSchemas['edit-session'], entities: editSessionEntities, migrations },
      env: new ServiceEnv(),
      providers: [ViewingSourceRepository],
    });
    const q = (sql: string, params: unknown[]) => context.dataSource.query(sql, params);
    [{ id: reportId }] = await q(`INSERT INTO edit_session.lab_reports (account_id, title, created_by) VALUES ($1, 'R', 'u') RETURNING id::text`, [A]);
    const [{ id: sessionId }] = await q(
      `INSERT INTO edit_session.edit_sessions (account_id, lab_report_id, author_user_id, author_name, is_active, token_id, expires_at, max_expires_at, ended_at, end_reason)
       VALUES ($1, $2, 'u', 'U', false, $3, now(), now(), now(), 'ended') RETURNING id`,
      [A, reportId, randomUUID()],
    );
    for (const n of [1, 2]) {
      await q(
        `INSERT INTO edit_session.report_versions (account_id, lab_report_id, edit_session_id, version_number, docx_key, pdf_key, docx_size, pdf_size, docx_sha256, pdf_sha256, uploaded_by, uploaded_by_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8, 'u', 'U')`,
        [A, reportId, sessionId, n, `edit-session/${reportId}/v${n}.docx`, `edit-session/${reportId}/v${n}.pdf`, 100 + n, String(n).repeat(64)],
      );
    }
  });
  afterAll(() => context?.close());

  it('answers the latest or a named version of a report of the account, else nothing', async () => {
    const sources = context.get(ViewingSourceRepository);
    expect(await sources.find({ accountId: A }, reportId)).toMatchObject({ objectKey: `edit-session/${reportId}/v2.docx`, sizeBytes: 102, name: `labreport-${reportId}-v2.docx` });
    expect(await sources.find({ accountId: A }, reportId, 1)).toMatchObject({ objectKey: `edit-session/${reportId}/v1.docx`, sha256: '1'.repeat(64) });
    expect(await sources.find({ accountId: A }, reportId, 3)).toBeUndefined();
    expect(await sources.find({ accountId: randomUUID() }, reportId)).toBeUndefined();
    expect(await sources.find({ accountId: A }, 'abc')).toBeUndefined();
  });
});
