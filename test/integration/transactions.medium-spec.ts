import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { Column, Entity, MigrationInterface, PrimaryColumn, QueryRunner } from 'typeorm';
import { createMediumContext, MediumContext } from '@quire/testing';
import { AccountScope, AccountScopedRepository, Db, Outbox, outboxMigration, ServiceEnv, Transactional } from '@quire/platform';

const SCHEMA = 'medium_selftest';

@Entity({ schema: SCHEMA, name: 'notes' })
class Note {
  @PrimaryColumn('text') id: string;
  @Column('uuid', { name: 'account_id' }) accountId: string;
  @Column('text') body: string;
}

class CreateNotes1700000000001 implements MigrationInterface {
  readonly name = 'CreateNotes1700000000001';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "${SCHEMA}"."notes" (id text PRIMARY KEY, account_id uuid NOT NULL, body text NOT NULL)`);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "${SCHEMA}"."notes"`);
  }
}

@Injectable()
class NotesRepository extends AccountScopedRepository<Note> {
  constructor(db: TransactionHost) {
    super(db as Db, Note);
  }
  add(scope: AccountScope, id: string, body: string): Promise<void> {
    return this.insertRows(scope, Object.assign(new Note(), { id, accountId: scope.accountId, body }));
  }
  find(scope: AccountScope, id: string): Promise<Note | undefined> {
    return this.findOne(scope, { id });
  }
  async count(scope: AccountScope): Promise<number> {
    const [row] = await this.sql<{ n: string }>(scope, `SELECT count(*) AS n FROM "${SCHEMA}"."notes" WHERE account_id = $1`);
    return Number(row!.n);
  }
  unsafe(scope: AccountScope): Promise<unknown> {
    return this.sql(scope, `SELECT count(*) FROM "${SCHEMA}"."notes"`);
  }
}

@Injectable()
class AddNoteUseCase {
  constructor(
    private readonly notes: NotesRepository,
    private readonly outbox: Outbox,
  ) {}

  @Transactional()
  async execute(command: { scope: AccountScope; id: string; body: string; fail?: boolean }): Promise<void> {
    await this.notes.add(command.scope, command.id, command.body);
    await this.outbox.record('evt.selftest.note_added', { id: command.id });
    if (command.fail) throw new Error('fails after both writes');
  }
}

const A = { accountId: '00000000-0000-4000-8000-00000000000a' };
const B = { accountId: '00000000-0000-4000-8000-00000000000b' };

describe('transactions and account-scoped repositories (medium)', () => {
  let context: MediumContext;

  beforeAll(async () => {
    context = await createMediumContext({
      database: { schema: SCHEMA, entities: [Note], migrations: [outboxMigration(SCHEMA, 1700000000000), CreateNotes1700000000001] },
      env: new ServiceEnv(),
      providers: [
        NotesRepository,
        AddNoteUseCase,
        {
          provide: Outbox,
          inject: [TransactionHost],
          useFactory: (db: Db) => new Outbox(undefined as never, undefined as never, undefined as never, SCHEMA, 60_000, db),
        },
      ],
    });
  });
  afterAll(() => context?.close());

  const outboxRows = async (): Promise<number> =>
    Number((await context.dataSource.query(`SELECT count(*) AS n FROM "${SCHEMA}"."outbox"`))[0].n);

  it('commits the row and its event together, and rolls both back together', async () => {
    const useCase = context.get(AddNoteUseCase);
    await useCase.execute({ scope: A, id: 'n1', body: 'kept' });
    await expect(useCase.execute({ scope: A, id: 'n2', body: 'lost', fail: true })).rejects.toThrow('fails after both writes');
    const notes = context.get(NotesRepository);
    expect(await notes.find(A, 'n1')).toMatchObject({ body: 'kept' });
    expect(await notes.find(A, 'n2')).toBeUndefined();
    expect(await outboxRows()).toBe(1);
  });

  it('never reads another account through a scoped method', async () => {
    const notes = context.get(NotesRepository);
    await notes.add(B, 'b1', 'of B');
    expect(await notes.find(A, 'b1')).toBeUndefined();
    expect(await notes.count(B)).toBe(1);
    await expect(notes.add(A, 'x', 'y').then(() => notes.count(A))).resolves.toBe(2);
  });

  it('refuses raw SQL that does not filter on the account, and rows of another account', async () => {
    const notes = context.get(NotesRepository);
    await expect(notes.unsafe(A)).rejects.toThrow('account_id = $1');
    await expect(
      (notes as unknown as { insertRows: (scope: AccountScope, row: Note) => Promise<void> }).insertRows(
        A,
        Object.assign(new Note(), { id: 'z', accountId: B.accountId, body: '' }),
      ),
    ).rejects.toThrow('another account');
  });

  it('refuses an outbox event written outside a transaction', async () => {
    await expect(context.get(Outbox).record('evt.selftest.x', {})).rejects.toThrow('needs an open transaction');
  });
});
