import { IsObject, ValidateNested, ValidationOptions } from 'class-validator';

/**
 * A nested body object: `@ValidateNested()` alone validates an array's elements instead (so
 * `{"input": []}` passed as a valid, empty `input` and failed later as a 500 — found by the
 * hostile-input suite). Every single nested object in every DTO uses this (lint refuses a bare
 * `@ValidateNested()`); arrays of objects keep `@ValidateNested({ each: true })`.
 */
export function NestedObject(options?: ValidationOptions): PropertyDecorator {
  // Applied bottom-up, as stacked `@IsObject() @ValidateNested()` would be.
  const decorators = [ValidateNested(options), IsObject(options)];
  return (target, property) => decorators.forEach((decorate) => decorate(target, property));
}
