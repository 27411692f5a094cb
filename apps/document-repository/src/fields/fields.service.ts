import { Injectable } from '@nestjs/common';
import { CreateFieldRequest, FieldView, Principal, PutFieldValueRequest } from '@quire/contracts';
import { DomainError } from '@quire/errors';
import { DocumentsRepository } from '../documents/documents.repository';
import { ProjectAccess } from '../projects/project-access';
import { pgError, UNIQUE_VIOLATION } from '../shared/pg-errors';
import { checkedFieldValue } from './field-value';
import { FieldsRepository } from './fields.repository';

/** Metadata fields: read to list, admin to define, write to set a document's value. */
@Injectable()
export class FieldsService {
  constructor(
    private readonly fields: FieldsRepository,
    private readonly documents: DocumentsRepository,
    private readonly access: ProjectAccess,
  ) {}

  async list(principal: Principal, projectId: string): Promise<FieldView[]> {
    await this.access.require(principal, projectId, 'read');
    return this.fields.list(principal, projectId);
  }

  async create(principal: Principal, request: CreateFieldRequest): Promise<FieldView> {
    await this.access.require(principal, request.projectId, 'admin');
    if ((request.type === 'select') !== (request.allowedValues !== undefined)) {
      throw DomainError.validation('allowedValues is for (and required by) select fields', { fields: { allowedValues: ['only and always with type select'] } });
    }
    try {
      return await this.fields.create(principal, request.projectId, {
        name: request.name,
        type: request.type,
        required: request.required ?? false,
        allowedValues: request.allowedValues ?? null,
      });
    } catch (error) {
      if (pgError(error).code === UNIQUE_VIOLATION) throw DomainError.conflict('A field with this name exists in the project', { name: request.name });
      throw error;
    }
  }

  async putValue(principal: Principal, request: PutFieldValueRequest): Promise<Record<string, unknown>> {
    await this.access.require(principal, request.projectId, 'write');
    const field = await this.fields.find(principal, request.projectId, request.fieldId);
    if (!field) throw DomainError.notFound('Field', { fieldId: request.fieldId });
    if (!(await this.documents.find(principal, request.projectId, request.documentId))) throw DomainError.notFound('Document', { documentId: request.documentId });
    await this.fields.setValue(principal, request.projectId, request.documentId, field.id, checkedFieldValue(field, request.value));
    return this.fields.valuesOf(principal, request.projectId, request.documentId);
  }
}
