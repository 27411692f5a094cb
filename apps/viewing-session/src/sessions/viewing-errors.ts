import { DomainError, ErrorCode } from '@quire/errors';

/**
 * PrizmDoc's named 480s. Each is an input error (never a 5xx): the viewing mapper answers 480 with
 * `details.errorCode` as the wire `errorCode` and `{in, at}` naming the field.
 */
export type ViewingInputErrorCode =
  | 'InvalidInput'
  | 'CannotChangeDocument'
  | 'IncorrectUsage'
  | 'InputNotSupportedWithDocumentId'
  | 'InputConflictsWithViewingPackage'
  | 'UnsupportedFormatForComparison'
  | 'FeatureDisabled';

export function viewingInputError(errorCode: ViewingInputErrorCode, message: string, where?: { in: 'body' | 'query' | 'path'; at?: string }): DomainError {
  return new DomainError(ErrorCode.BadRequest, message, { errorCode, ...(where ?? {}) });
}

export function documentNotFound(at?: string): DomainError {
  return DomainError.notFound('Document', { errorCode: 'DocumentNotFound', ...(at ? { in: 'body', at } : {}) });
}
