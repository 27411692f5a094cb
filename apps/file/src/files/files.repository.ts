import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { Brackets, EntityManager, SelectQueryBuilder } from 'typeorm';
import { AccountScope, AccountScopedRepository, Db } from '@quire/platform';
import { FileCategory, FileTargetType } from '@quire/contracts';
import { FileShare } from './file-share.entity';
import { StoredFile } from './file.entity';

/** Who is asking, as far as row visibility goes. */
export interface Reader extends AccountScope {
  accountId: string;
  userId: string;
  /** Admins and providers read every file of their account. */
  privileged: boolean;
}

export interface FileFilter {
  targetId?: string;
  targetType?: FileTargetType;
  category?: FileCategory;
  includeShared: boolean;
  page: number;
  perPage: number;
}

/** What a signed view link needs of a file's row. */
export type ViewableFile = Pick<StoredFile, 'id' | 'accountId' | 'name' | 'size' | 'contentType' | 'sha256' | 'storageKey'>;

/** One hit on a view link. */
export interface ViewRecord {
  accountId: string;
  fileId: string;
  /** `WxH` for a variant, null for the original. */
  variant: string | null;
  viewedAt: Date;
}

/** Files and their shares; every query takes the account (a `Reader` is an `AccountScope`). */
@Injectable()
export class FilesRepository extends AccountScopedRepository<StoredFile> {
  constructor(db: TransactionHost) {
    super(db as Db, StoredFile);
  }

  /**
   * A transaction handing its EntityManager to `work`: for the commit path until it moves to a
   * use case (`insert(manager, …)`, `Outbox.add`). Everything else uses `@Transactional()`.
   */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.withTransaction(() => work(this.db.tx));
  }

  /** A file the reader may see, or undefined (missing, another account, or not theirs). */
  async findReadable(reader: Reader, id: string): Promise<StoredFile | undefined> {
    return (await this.readable(reader, id).getOne()) ?? undefined;
  }

  /** Same, with the row locked until the caller's transaction ends (rename, delete, share). */
  async lockReadable(reader: Reader, id: string): Promise<StoredFile | undefined> {
    return (await this.readable(reader, id).setLock('pessimistic_write').getOne()) ?? undefined;
  }

  /**
   * A file by id alone, for signed view links. Unscoped on purpose: the link's signature is the
   * authority there, and the row it finds carries its own account, which everything after uses.
   * Plain SQL for the few columns a view needs: this runs on every download.
   */
  async findForViewLink(id: string): Promise<ViewableFile | undefined> {
    const rows = (await this.unscoped().query(
      `SELECT id, account_id, name, size, content_type, sha256, storage_key FROM "file"."files" WHERE id = $1`,
      [id],
    )) as Array<Record<string, string>>;
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: row.id!,
      accountId: row.account_id!,
      name: row.name!,
      size: Number(row.size),
      contentType: row.content_type!,
      sha256: row.sha256!,
      storageKey: row.storage_key!,
    };
  }

  /**
   * View-log rows, many in one statement and one round trip; each carries the account of the row
   * its link resolved to (unscoped: a batch spans accounts). Committed without waiting for the
   * WAL flush (`synchronous_commit` off for this statement's own transaction only): a crash may
   * lose the last few view rows at worst, never corrupt or half-write them.
   */
  async logViews(views: readonly ViewRecord[]): Promise<void> {
    if (!views.length) return;
    await this.unscoped().query(
      `WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true))
       INSERT INTO "file"."file_views" (file_id, account_id, variant, viewed_at)
       SELECT v.file_id, v.account_id, v.variant, v.viewed_at
       FROM async_commit, unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) AS v(file_id, account_id, variant, viewed_at)`,
      [views.map((v) => v.fileId), views.map((v) => v.accountId), views.map((v) => v.variant), views.map((v) => v.viewedAt.toISOString())],
    );
  }

  async list(reader: Reader, filter: FileFilter): Promise<{ items: StoredFile[]; total: number }> {
    const query = this.base(reader);
    query.andWhere(
      new Brackets((either) => {
        either.where(
          new Brackets((own) => {
            own.where('TRUE');
            if (filter.targetType) own.andWhere('f.target_type = :targetType', { targetType: filter.targetType });
            if (filter.targetId) own.andWhere('f.target_id = :targetId', { targetId: filter.targetId });
            if (filter.category) own.andWhere('f.category = :category', { category: filter.category });
            if (!reader.privileged) own.andWhere(this.readableBy());
          }),
        );
        if (filter.includeShared) {
          either.orWhere(
            new Brackets((shared) => {
              shared.where(`f.category = 'user_document'`).andWhere(this.sharedWith());
            }),
          );
        }
      }),
    );
    query.orderBy('f.created_at', 'DESC').addOrderBy('f.id', 'ASC');
    query.skip((filter.page - 1) * filter.perPage).take(filter.perPage);
    const [items, total] = await query.getManyAndCount();
    return { items, total };
  }

  /** The commit path's insert, in the transaction `transaction()` opened. */
  async insert(manager: EntityManager, file: StoredFile): Promise<void> {
    await manager.insert(StoredFile, file);
  }

  async rename(scope: AccountScope, id: string, name: string, ext: string, at: Date): Promise<void> {
    await this.rows().update(this.scoped(scope, { id }), { name, ext, modifiedAt: at });
  }

  async delete(scope: AccountScope, id: string): Promise<void> {
    await this.rows().delete(this.scoped(scope, { id }));
  }

  /** Whether another live file of the account still has these bytes (its variants stay). */
  async contentStillUsed(scope: AccountScope, sha256: string): Promise<boolean> {
    return this.rows().exists({ where: this.scoped(scope, { sha256 }) });
  }

  async addShares(scope: AccountScope, fileId: string, userIds: string[]): Promise<void> {
    if (!userIds.length) return;
    await this.db.tx
      .createQueryBuilder()
      .insert()
      .into(FileShare)
      .values(userIds.map((sharedWith) => ({ fileId, sharedWith, accountId: scope.accountId })))
      .orIgnore()
      .execute();
  }

  async sharesOf(scope: AccountScope, fileId: string): Promise<string[]> {
    const shares = await this.db.tx.find(FileShare, { where: { accountId: scope.accountId, fileId }, order: { sharedWith: 'ASC' } });
    return shares.map((share) => share.sharedWith);
  }

  private readableBy(): Brackets {
    return new Brackets((access) => {
      access
        .where('f.creator_id = :readerId')
        .orWhere(`(f.target_type = 'user' AND f.target_id = :readerId)`)
        .orWhere(this.sharedWith());
    });
  }

  private readable(reader: Reader, id: string): SelectQueryBuilder<StoredFile> {
    const query = this.base(reader).andWhere('f.id = :id', { id });
    if (!reader.privileged) query.andWhere(this.readableBy());
    return query;
  }

  /** Uses the `readerId` parameter, which every query here sets. */
  private sharedWith(): string {
    return 'EXISTS (SELECT 1 FROM "file"."file_shares" s WHERE s.file_id = f.id AND s.account_id = f.account_id AND s.shared_with = :readerId)';
  }

  private base(reader: Reader): SelectQueryBuilder<StoredFile> {
    return this.select(reader, 'f').setParameter('readerId', reader.userId);
  }
}
