import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { FileCategory, FileTargetType } from '@quire/contracts';
import { FileShare } from './file-share.entity';
import { StoredFile } from './file.entity';

/** Who is asking, as far as row visibility goes. */
export interface Reader {
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

/** Every query takes the account id: no method can reach another tenant's rows. */
@Injectable()
export class FilesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** A file the reader may see, or undefined (missing, another account, or not theirs). */
  async findReadable(reader: Reader, id: string): Promise<StoredFile | undefined> {
    return this.readable(this.dataSource.manager, reader, id).getOne().then((file) => file ?? undefined);
  }

  /** Same, with the row locked until the transaction ends (rename, delete, share). */
  async lockReadable(manager: EntityManager, reader: Reader, id: string): Promise<StoredFile | undefined> {
    return this.readable(manager, reader, id).setLock('pessimistic_write').getOne().then((file) => file ?? undefined);
  }

  /**
   * A file by id alone, for signed view links: the link's signature is the authority there, and
   * the row it finds carries its own account, which everything after uses. Plain SQL for the few
   * columns a view needs: this runs on every download.
   */
  async findForViewLink(id: string): Promise<ViewableFile | undefined> {
    const rows = (await this.dataSource.query(
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
   * View-log rows, many in one statement and one round trip. Committed without waiting for the
   * WAL flush (`synchronous_commit` off for this statement's own transaction only): a crash may
   * lose the last few view rows at worst, never corrupt or half-write them.
   */
  async logViews(views: readonly ViewRecord[]): Promise<void> {
    if (!views.length) return;
    await this.dataSource.query(
      `WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true))
       INSERT INTO "file"."file_views" (file_id, account_id, variant, viewed_at)
       SELECT v.file_id, v.account_id, v.variant, v.viewed_at
       FROM async_commit, unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) AS v(file_id, account_id, variant, viewed_at)`,
      [views.map((v) => v.fileId), views.map((v) => v.accountId), views.map((v) => v.variant), views.map((v) => v.viewedAt.toISOString())],
    );
  }

  async list(reader: Reader, filter: FileFilter): Promise<{ items: StoredFile[]; total: number }> {
    const query = this.base(this.dataSource.manager, reader);
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

  async insert(manager: EntityManager, file: StoredFile): Promise<void> {
    await manager.insert(StoredFile, file);
  }

  async rename(manager: EntityManager, accountId: string, id: string, name: string, ext: string, at: Date): Promise<void> {
    await manager.update(StoredFile, { id, accountId }, { name, ext, modifiedAt: at });
  }

  async delete(manager: EntityManager, accountId: string, id: string): Promise<void> {
    await manager.delete(StoredFile, { id, accountId });
  }

  /** Whether another live file of the account still has these bytes (its variants stay). */
  async contentStillUsed(accountId: string, sha256: string): Promise<boolean> {
    return this.dataSource.manager.exists(StoredFile, { where: { accountId, sha256 } });
  }

  async addShares(manager: EntityManager, accountId: string, fileId: string, userIds: string[]): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(FileShare)
      .values(userIds.map((sharedWith) => ({ fileId, sharedWith, accountId })))
      .orIgnore()
      .execute();
  }

  async sharesOf(manager: EntityManager, accountId: string, fileId: string): Promise<string[]> {
    const shares = await manager.find(FileShare, { where: { accountId, fileId }, order: { sharedWith: 'ASC' } });
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

  private readable(manager: EntityManager, reader: Reader, id: string): SelectQueryBuilder<StoredFile> {
    const query = this.base(manager, reader).andWhere('f.id = :id', { id });
    if (!reader.privileged) query.andWhere(this.readableBy());
    return query;
  }

  /** Uses the `readerId` parameter, which every query here sets. */
  private sharedWith(): string {
    return 'EXISTS (SELECT 1 FROM "file"."file_shares" s WHERE s.file_id = f.id AND s.account_id = f.account_id AND s.shared_with = :readerId)';
  }

  private base(manager: EntityManager, reader: Reader): SelectQueryBuilder<StoredFile> {
    return manager
      .createQueryBuilder(StoredFile, 'f')
      .where('f.account_id = :accountId', { accountId: reader.accountId })
      .setParameter('readerId', reader.userId);
  }
}
