import { EntityManager } from 'typeorm';

/**
 * The RETURNING rows of a data-modifying statement. TypeORM's Postgres driver answers UPDATE /
 * DELETE as `[rows, rowCount]` (and other statements as the rows), so callers go through this.
 */
export async function modifiedRows<T>(manager: EntityManager, sql: string, parameters: unknown[]): Promise<T[]> {
  const result: unknown = await manager.query(sql, parameters);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
