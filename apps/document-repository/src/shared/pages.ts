/** `{items, page, pageSize, total}` as identity's /api/v1 pages; page from 1. */
export function offsetOf(page: number, pageSize: number): number {
  return (page - 1) * pageSize;
}

export const iso = (value: Date | string): string => new Date(value).toISOString();
