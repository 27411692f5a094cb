/** The Postgres error code and constraint of a failed query (TypeORM wraps the driver's error). */
export function pgError(error: unknown): { code?: string; constraint?: string } {
  const e = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  return { code: e.driverError?.code ?? e.code, constraint: e.driverError?.constraint ?? e.constraint };
}

export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
