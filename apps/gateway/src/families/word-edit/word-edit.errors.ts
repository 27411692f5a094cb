import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

/** The word-edit error body (`{code, message, details}`) for each listed status, in OpenAPI. */
export function ApiWordEditErrors(...statuses: number[]): MethodDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: `Error: {code: ${status}, message, details}`,
        schema: {
          type: 'object',
          properties: { code: { type: 'number', example: status }, message: { type: 'string' }, details: { type: 'string' } },
        },
      }),
    ),
  );
}
