import { Injectable } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { FileDeleteReply, FileListReply, FileReply, FileShareReply, FileSubjects } from '@quire/contracts';
import { RpcCallContext, RpcClient } from '@quire/platform';
import { FileIdParams, ListFilesQuery, RenameFileBody, ShareFileBody } from './file-upload.dto';
import { toWireFile, WireFile } from './file-links';

export interface WireFileList {
  data: WireFile[];
  paging: { page: number; per_page: number; total: number };
}

/**
 * The file service as the file-upload family's routes see it: one method per route, taking the
 * validated DTOs, making the RPC call and answering the family's wire shape (`{data}`, snake_case).
 * `request` gives the links their origin.
 */
@Injectable()
export class FileClient {
  constructor(private readonly rpc: RpcClient) {}

  async list(query: ListFilesQuery, request: FastifyRequest, context: RpcCallContext): Promise<WireFileList> {
    const reply = await this.rpc.request<FileListReply>(
      FileSubjects.list,
      {
        targetId: query.target_id,
        targetType: query.target_type,
        category: query.category,
        includeShared: query.includeShared,
        page: query.page ?? 1,
        perPage: query.per_page ?? 50,
      },
      context,
    );
    return { data: reply.items.map((file) => toWireFile(file, request)), paging: { page: reply.page, per_page: reply.perPage, total: reply.total } };
  }

  async get(params: FileIdParams, request: FastifyRequest, context: RpcCallContext): Promise<{ data: WireFile }> {
    return { data: toWireFile(await this.rpc.request<FileReply>(FileSubjects.get, { id: params.id }, context), request) };
  }

  async rename(params: FileIdParams, body: RenameFileBody, request: FastifyRequest, context: RpcCallContext): Promise<{ data: WireFile }> {
    return { data: toWireFile(await this.rpc.request<FileReply>(FileSubjects.rename, { id: params.id, name: body.name }, context), request) };
  }

  async delete(params: FileIdParams, context: RpcCallContext): Promise<{ data: true }> {
    await this.rpc.request<FileDeleteReply>(FileSubjects.delete, { id: params.id }, context);
    return { data: true };
  }

  async share(params: FileIdParams, body: ShareFileBody, context: RpcCallContext): Promise<{ data: { id: string; shared_with: string[] } }> {
    const reply = await this.rpc.request<FileShareReply>(FileSubjects.share, { id: params.id, userIds: body.user_ids }, context);
    return { data: { id: reply.id, shared_with: reply.sharedWith } };
  }
}
