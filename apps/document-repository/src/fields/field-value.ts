import { DomainError } from '@quire/errors';
import { parseApiDate } from '@quire/contracts';
import { FieldDefinition } from './fields.repository';

/** The value as stored (jsonb), checked against its definition; null clears it (unless required). */
export function checkedFieldValue(field: FieldDefinition, value: unknown): unknown {
  const refuse = (why: string) => DomainError.validation(`Field "${field.name}" ${why}`, { fieldId: field.id, fields: { value: [why] } });
  if (value === null || value === undefined) {
    if (field.required) throw refuse('is required');
    return null;
  }
  switch (field.type) {
    case 'string':
      if (typeof value !== 'string' || value.length > 10_000) throw refuse('must be a string (at most 10000 characters)');
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw refuse('must be a number');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw refuse('must be true or false');
      return value;
    case 'date': {
      const date = parseApiDate(value);
      if (!date) throw refuse('must be epoch milliseconds or an ISO-8601 date-time with an offset');
      return date.toISOString();
    }
    case 'select':
      if (typeof value !== 'string' || !(field.allowedValues ?? []).includes(value)) throw refuse(`must be one of ${JSON.stringify(field.allowedValues ?? [])}`);
      return value;
  }
}
