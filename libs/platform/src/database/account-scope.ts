import { EntityManager, EntityTarget, FindOptionsWhere, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import { modifiedRows } from './modified-rows';
import type { Db } from './transactions';

/**
 * Whose rows a query may touch. Every public repository method takes one first; a `Principal`
 * is one. Built by the caller from an authenticated principal or from a row that already carries
 * its account (never from client input alone).
 */
export interface AccountScope {
  readonly accountId: string;
}

/** An entity whose rows belong to an account. */
export interface AccountOwned extends ObjectLiteral {
  accountId: string;
}

/**
 * Base of every repository of account-owned rows (Novu's `enforce.ts` idea): its helpers add the
 * account id to every query they build, so a subclass cannot write a query without a scope — the
 * call does not compile. Work that must cross accounts (sweepers, view links that carry their own
 * authority) goes through `unscoped()`, named so a reviewer sees it.
 */
export abstract class AccountScopedRepository<E extends AccountOwned> {
  protected constructor(
    protected readonly db: Db,
    private readonly entity: EntityTarget<E>,
    /** Column of the account id in raw SQL; `account_id` everywhere in Quire. */
    private readonly accountColumn = 'account_id',
  ) {}

  /** TypeORM's repository in the current transaction (if any); every call adds the scope itself. */
  protected rows(): Repository<E> {
    return this.db.tx.getRepository(this.entity);
  }

  /** `where` with the account id of `scope` added (it wins over any accountId in `where`). */
  protected scoped(scope: AccountScope, where: FindOptionsWhere<E> = {}): FindOptionsWhere<E> {
    return { ...where, accountId: scope.accountId } as FindOptionsWhere<E>;
  }

  /** A query builder whose first condition is the account: add conditions with `andWhere`. */
  protected select(scope: AccountScope, alias: string): SelectQueryBuilder<E> {
    return this.rows().createQueryBuilder(alias).where(`${alias}.accountId = :scopeAccountId`, { scopeAccountId: scope.accountId });
  }

  protected async findOne(scope: AccountScope, where: FindOptionsWhere<E>, lock = false): Promise<E | undefined> {
    const found = await this.rows().findOne({
      where: this.scoped(scope, where),
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    return found ?? undefined;
  }

  /** Inserts rows of this scope's account; a row of another account is a programming error. */
  protected async insertRows(scope: AccountScope, ...entities: E[]): Promise<void> {
    for (const entity of entities) {
      if (entity.accountId !== scope.accountId) throw new Error('A row of another account cannot be written in this scope');
    }
    if (entities.length) await this.rows().insert(entities as never);
  }

  /**
   * Raw SQL whose `$1` is the scope's account id: the text must compare the account column with
   * it (checked here), and the caller's parameters follow as `$2…`.
   */
  protected async sql<R = Record<string, unknown>>(scope: AccountScope, text: string, params: unknown[] = []): Promise<R[]> {
    if (!new RegExp(`\\b${this.accountColumn}"?\\s*=\\s*\\$1\\b`).test(text)) {
      throw new Error(`Scoped SQL must filter on ${this.accountColumn} = $1`);
    }
    return (await this.db.tx.query(text, [scope.accountId, ...params])) as R[];
  }

  /** Like `sql`, for UPDATE / DELETE … RETURNING: answers the returned rows. */
  protected async modify<R = Record<string, unknown>>(scope: AccountScope, text: string, params: unknown[] = []): Promise<R[]> {
    if (!new RegExp(`\\b${this.accountColumn}"?\\s*=\\s*\\$1\\b`).test(text)) {
      throw new Error(`Scoped SQL must filter on ${this.accountColumn} = $1`);
    }
    return modifiedRows<R>(this.db.tx, text, [scope.accountId, ...params]);
  }

  /** The current transaction's manager without any scope: for cross-account work only. */
  protected unscoped(): EntityManager {
    return this.db.tx;
  }
}
