import { QueryRunner } from 'typeorm';
import { sqlMigration } from './sql-migration';

function recorder(): { runner: QueryRunner; statements: string[] } {
  const statements: string[] = [];
  return { runner: { query: async (sql: string) => void statements.push(sql) } as unknown as QueryRunner, statements };
}

describe('sqlMigration', () => {
  const CreateThings1700000000000 = sqlMigration('CreateThings1700000000000', {
    up: ['CREATE TABLE "s"."things" ("id" int)', 'CREATE INDEX "things_idx" ON "s"."things" ("id")'],
    down: ['DROP TABLE "s"."things"'],
  });

  it('carries its name as the instance name and the class name (what TypeORM records)', () => {
    expect(new CreateThings1700000000000().name).toBe('CreateThings1700000000000');
    expect(CreateThings1700000000000.name).toBe('CreateThings1700000000000');
  });

  it('runs each way its statements, in order, one query each', async () => {
    const up = recorder();
    await new CreateThings1700000000000().up(up.runner);
    expect(up.statements).toEqual(['CREATE TABLE "s"."things" ("id" int)', 'CREATE INDEX "things_idx" ON "s"."things" ("id")']);
    const down = recorder();
    await new CreateThings1700000000000().down(down.runner);
    expect(down.statements).toEqual(['DROP TABLE "s"."things"']);
  });
});
