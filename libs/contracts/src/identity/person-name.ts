import { IsString, MaxLength, MinLength } from 'class-validator';

/** A user's first or last name, as every identity body takes it: 1–100 characters. */
export function PersonName(): PropertyDecorator {
  // Applied bottom-up, as stacked `@IsString() @MinLength(1) @MaxLength(100)` would be (same messages).
  const decorators = [MaxLength(100), MinLength(1), IsString()];
  return (target, property) => decorators.forEach((decorate) => decorate(target, property));
}
