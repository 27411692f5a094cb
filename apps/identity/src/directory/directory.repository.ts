import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { Setting } from '../accounts/account.entity';
import { Institute, Role } from './directory.entities';

export interface InstituteWithDepartments {
  id: string;
  name: string;
  departments: Array<{ id: string; name: string }>;
}

/** The account's reference data: roles, institutes with their departments, settings. */
@Injectable()
export class DirectoryRepository extends AccountScopedRepository<Institute> {
  constructor(db: TransactionHost) {
    super(db as Db, Institute);
  }

  roles(scope: AccountScope): Promise<Role[]> {
    return this.db.tx.getRepository(Role).find({ where: { accountId: scope.accountId }, order: { name: 'ASC' } });
  }

  async institute(scope: AccountScope, name: string): Promise<Institute | undefined> {
    return this.findOne(scope, { name });
  }

  /** Every institute of the account, or the one named `name`. */
  institutesWithDepartments(scope: AccountScope, name?: string): Promise<InstituteWithDepartments[]> {
    return this.sql<InstituteWithDepartments>(
      scope,
      `SELECT i."id", i."name",
         COALESCE((SELECT json_agg(json_build_object('id', d."id", 'name', d."name") ORDER BY d."name")
           FROM "identity"."departments" d WHERE d."institute_id" = i."id" AND d."account_id" = i."account_id"), '[]') AS "departments"
       FROM "identity"."institutes" i WHERE i."account_id" = $1 ${name !== undefined ? 'AND i."name" = $2' : ''} ORDER BY i."name"`,
      name !== undefined ? [name] : [],
    );
  }

  async setting(scope: AccountScope, key: string): Promise<unknown> {
    const setting = await this.db.tx.getRepository(Setting).findOneBy({ accountId: scope.accountId, key });
    return setting?.value;
  }
}
