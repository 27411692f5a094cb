import { createMediumContext, MediumContext } from '@quire/testing';
import { ServiceEnv, uploadReservationsMigration } from '@quire/platform';

const SCHEMA = 'medium_reservations';
const ACCOUNT = '00000000-0000-4000-8000-00000000000a';

describe('upload_reservations migration (medium)', () => {
  let context: MediumContext;

  beforeAll(async () => {
    context = await createMediumContext({
      database: { schema: SCHEMA, entities: [], migrations: [uploadReservationsMigration(SCHEMA, 1700000000010)] },
      env: new ServiceEnv(),
      providers: [],
    });
  });
  afterAll(() => context?.close());

  const insert = (state: string, answer: unknown, keys: string[] = ['svc/a']) =>
    context.dataSource.query(
      `INSERT INTO "${SCHEMA}"."upload_reservations" (id, account_id, purpose, keys, expires_at, state, answer)
       VALUES (gen_random_uuid(), $1, 'test', $2, now() + interval '1 minute', $3, $4)`,
      [ACCOUNT, keys, state, answer === null ? null : JSON.stringify(answer)],
    );

  it('keeps an open reservation without an answer and a committed one with it', async () => {
    await insert('open', null);
    await insert('committed', { reply: { id: 'x' } });
    const [row] = await context.dataSource.query(`SELECT count(*)::int AS n FROM "${SCHEMA}"."upload_reservations"`);
    expect(row.n).toBe(2);
  });

  it('refuses an unknown state, a settled reservation without its answer, and no keys', async () => {
    await expect(insert('gone', null)).rejects.toThrow(/check constraint/);
    await expect(insert('rejected', null)).rejects.toThrow(/check constraint/);
    await expect(insert('open', null, [])).rejects.toThrow(/check constraint/);
  });
});
