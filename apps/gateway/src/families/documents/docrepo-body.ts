import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { validationError } from '@quire/platform';

/** An optional JSON body (`PUT …/users/{email}` with or without `{role}`), validated as the pipe would. */
export function optionalBody<T extends object>(type: new () => T, body: unknown): T {
  const value = plainToInstance(type, body === undefined || body === null || body === '' ? {} : body);
  const errors = validateSync(value, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw validationError(errors);
  return value;
}
