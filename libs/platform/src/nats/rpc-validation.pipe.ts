import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from '@quire/errors';

/** A validation failure as the list of fields and what is wrong with each. */
export function describeValidationErrors(errors: ValidationError[], parent = ''): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    // Optional fields are not validated when absent, so a failing absent value is a missing one:
    // say so, instead of whichever constraint came first ("title must be shorter than…").
    if (error.constraints) fields[path] = error.value === undefined || error.value === null ? [`${path} is required`] : Object.values(error.constraints);
    if (error.children?.length) Object.assign(fields, describeValidationErrors(error.children, path));
  }
  return fields;
}

export function validationError(errors: ValidationError[]): DomainError {
  const fields = describeValidationErrors(errors);
  const first = Object.entries(fields)[0];
  const message = first ? `${first[0]}: ${first[1][0]}` : 'Invalid request';
  return DomainError.validation(message, { fields });
}

/** Whitelisting validation whose failures are domain errors (used on both sides of NATS). */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => validationError(errors),
  });
}
