import { Injectable } from '@nestjs/common';
import { CreateFolderRequest, DeletedReply, DocrepoPage, DOCREPO_PAGE_SIZE_DEFAULT, FolderView, Principal } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { ProjectAccess } from '../projects/project-access';
import { iso, offsetOf } from '../shared/pages';
import { FOREIGN_KEY_VIOLATION, pgError, UNIQUE_VIOLATION } from '../shared/pg-errors';
import { Folder, FoldersRepository } from './folders.repository';

const folderView = (folder: Folder): FolderView => ({ id: folder.id, name: folder.name, parentId: folder.parentId, createdAt: iso(folder.createdAt) });

/** Folders: read to list, write to add, admin to delete (an empty folder only). */
@Injectable()
export class FoldersService {
  constructor(
    private readonly folders: FoldersRepository,
    private readonly access: ProjectAccess,
  ) {}

  async list(principal: Principal, projectId: string, page: number = 1, pageSize: number = DOCREPO_PAGE_SIZE_DEFAULT): Promise<DocrepoPage<FolderView>> {
    await this.access.require(principal, projectId, 'read');
    const { items, total } = await this.folders.list(principal, projectId, { limit: pageSize, offset: offsetOf(page, pageSize) });
    return { items: items.map(folderView), page, pageSize, total };
  }

  async byName(principal: Principal, projectId: string, name: string): Promise<FolderView> {
    await this.access.require(principal, projectId, 'read');
    const folder = await this.folders.findByName(principal, projectId, name);
    if (!folder) throw DomainError.notFound('Folder', { name });
    return folderView(folder);
  }

  async create(principal: Principal, request: CreateFolderRequest): Promise<FolderView> {
    await this.access.require(principal, request.projectId, 'write');
    try {
      return folderView(await this.folders.create(principal, request.projectId, request.name, request.parentId ?? null));
    } catch (error) {
      const { code } = pgError(error);
      if (code === UNIQUE_VIOLATION) throw DomainError.conflict('A folder with this name exists under this parent', { name: request.name, parentId: request.parentId ?? null });
      // The parent is not a folder of this project.
      if (code === FOREIGN_KEY_VIOLATION) throw DomainError.notFound('Parent folder', { parentId: request.parentId });
      throw error;
    }
  }

  async delete(principal: Principal, projectId: string, folderId: string): Promise<DeletedReply> {
    await this.access.require(principal, projectId, 'admin');
    try {
      if (!(await this.folders.delete(principal, projectId, folderId))) throw DomainError.notFound('Folder', { folderId });
    } catch (error) {
      if (pgError(error).code === FOREIGN_KEY_VIOLATION) throw DomainError.conflict('The folder is not empty (it holds folders or documents)', { folderId });
      throw error;
    }
    return { deleted: true };
  }
}
