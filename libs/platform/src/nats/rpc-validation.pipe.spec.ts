import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { DomainError, ErrorCode } from '@quire/errors';
import { createValidationPipe } from './rpc-validation.pipe';

class ReportBody {
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  title: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  rank?: number;
}

async function failure(value: unknown): Promise<DomainError> {
  const pipe = createValidationPipe();
  const error = await pipe.transform(value, { type: 'body', metatype: ReportBody }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('validation messages', () => {
  it('says a missing (or null) required field is required, not whichever constraint came first', async () => {
    for (const body of [{}, { title: null }]) {
      const error = await failure(body);
      expect(error.code).toBe(ErrorCode.ValidationFailed);
      expect(error.message).toBe('title: title is required');
      expect(error.details).toEqual({ fields: { title: ['title is required'] } });
    }
  });

  it('keeps the constraints of a present but wrong value, and leaves absent optional fields alone', async () => {
    expect((await failure({ title: 'x'.repeat(301) })).message).toBe('title: title must be shorter than or equal to 300 characters');
    expect((await failure({ title: 'ok', rank: 11 })).details).toEqual({ fields: { rank: ['rank must not be greater than 10'] } });
    expect((await failure({ title: 'ok', extra: 1 })).details).toEqual({ fields: { extra: ['property extra should not exist'] } });
  });
});
