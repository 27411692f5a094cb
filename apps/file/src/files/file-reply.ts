import { FileReply } from '@quire/contracts';
import { ViewLinkSigner } from '../views/view-link';
import { StoredFile } from './file.entity';

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** A row in the file-upload family's shape, with a freshly signed view link. */
export function toFileReply(file: StoredFile, links: ViewLinkSigner): FileReply {
  return {
    id: file.id,
    name: file.name,
    size: file.size,
    ext: file.ext,
    meta: {
      category: file.category,
      target: { id: file.targetId, type: file.targetType },
      account: { code: file.accountCode },
      visible: file.visible,
    },
    creator: {
      id: file.creatorId,
      username: file.creatorUsername,
      email: file.creatorEmail,
      full_name: file.creatorFullName,
    },
    created: epochSeconds(file.createdAt),
    modified: epochSeconds(file.modifiedAt),
    is_deletable: file.isDeletable,
    viewQuery: links.query(file.id),
  };
}
