import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { ViewingSourceReply, ViewingSourceSubjects } from '@quire/contracts';
import { AccountScope, AccountScopedRepository, Db, ViewingSourceLookup, viewingSourceModule } from '@quire/platform';
import { StoredFile } from '../files/file.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A file of the caller's account, as a viewing session's `document` source (`file:<id>`). */
@Injectable()
export class ViewingSourceRepository extends AccountScopedRepository<StoredFile> implements ViewingSourceLookup {
  constructor(db: TransactionHost) {
    super(db as Db, StoredFile);
  }

  async find(scope: AccountScope, id: string, version?: number): Promise<ViewingSourceReply | undefined> {
    // Files have no versions: naming one names nothing.
    if (version !== undefined || !UUID.test(id)) return undefined;
    const [row] = await this.sql<{ storage_key: string; size: string; sha256: string; content_type: string; name: string }>(
      scope,
      `SELECT storage_key, size, sha256, content_type, name FROM "file"."files" WHERE account_id = $1 AND id = $2`,
      [id],
    );
    return row && { objectKey: row.storage_key, sizeBytes: Number(row.size), sha256: row.sha256.trim(), contentType: row.content_type, name: row.name };
  }
}

/** `svc.file.viewing_source.resolve` for the viewing service (libs/contracts/src/viewing). */
export const ViewingSourceModule = viewingSourceModule({
  subject: ViewingSourceSubjects.file,
  lookup: ViewingSourceRepository,
  notFound: 'File',
});
