import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { Team } from './directory.entities';

/** Teams and their members (one aggregate). */
@Injectable()
export class TeamsRepository extends AccountScopedRepository<Team> {
  constructor(db: TransactionHost) {
    super(db as Db, Team);
  }

  async exists(scope: AccountScope, teamId: string): Promise<boolean> {
    return (await this.findOne(scope, { id: teamId })) !== undefined;
  }

  async listWithMemberCounts(scope: AccountScope): Promise<Array<{ id: string; name: string; memberCount: number }>> {
    const rows = await this.sql<{ id: string; name: string; member_count: string }>(
      scope,
      `SELECT t."id", t."name", count(m."user_id") AS "member_count" FROM "identity"."teams" t
       LEFT JOIN "identity"."team_members" m ON m."team_id" = t."id" AND m."account_id" = t."account_id"
       WHERE t."account_id" = $1 GROUP BY t."id" ORDER BY t."name"`,
    );
    return rows.map((r) => ({ id: r.id, name: r.name, memberCount: Number(r.member_count) }));
  }

  /** Answers the new team's id (a duplicate name is a unique violation for the caller to map). */
  async create(scope: AccountScope, name: string): Promise<string> {
    const id = randomUUID();
    await this.insertRows(scope, Object.assign(new Team(), { id, accountId: scope.accountId, name }));
    return id;
  }

  memberIds(scope: AccountScope, teamId: string): Promise<string[]> {
    return this.sql<{ user_id: string }>(
      scope,
      `SELECT "user_id" FROM "identity"."team_members" WHERE "account_id" = $1 AND "team_id" = $2 ORDER BY "added_at", "user_id"`,
      [teamId],
    ).then((rows) => rows.map((row) => row.user_id));
  }

  /** Idempotent; through the team and user rows, so both must be the account's. */
  async addMember(scope: AccountScope, teamId: string, userId: string): Promise<void> {
    await this.sql(
      scope,
      `INSERT INTO "identity"."team_members" ("account_id", "team_id", "user_id")
       SELECT t."account_id", t."id", u."id" FROM "identity"."teams" t JOIN "identity"."users" u ON u."account_id" = t."account_id"
        WHERE t."account_id" = $1 AND t."id" = $2 AND u."id" = $3
       ON CONFLICT DO NOTHING`,
      [teamId, userId],
    );
  }

  /** False when the user was not a member. */
  async removeMember(scope: AccountScope, teamId: string, userId: string): Promise<boolean> {
    const rows = await this.modify(
      scope,
      `DELETE FROM "identity"."team_members" WHERE "account_id" = $1 AND "team_id" = $2 AND "user_id" = $3 RETURNING "user_id"`,
      [teamId, userId],
    );
    return rows.length > 0;
  }
}
