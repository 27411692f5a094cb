import { UserStatus } from '@quire/contracts';

/** Which users a directory search matches (OpenSpecimen's UserListCriteria, as far as Quire has them). */
export interface UserDirectoryFilter {
  /** Part of the first name, last name, "first last" or email, case-insensitive; overrides `name` and `loginName`. */
  search?: string;
  /** Part of the first or last name. */
  name?: string;
  /** Part of the login name. */
  loginName?: string;
  /** Institute name, exactly. */
  institute?: string;
  /** Auth domain name, exactly. */
  domainName?: string;
  /** Only these statuses; every status when absent. */
  statuses?: readonly UserStatus[];
  /** Only the users of this user's institute (or, when they have none, the users without one). */
  sameInstituteAs?: string;
}

/** `%value%` for ILIKE, with LIKE's own wildcards in the value taken literally. */
export function containsPattern(value: string): string {
  return `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The WHERE conditions (after `u."account_id" = $1`) and their parameters, numbered from
 * `firstParam`. Aliases: `u` users, `d` auth_domains, `i` institutes.
 */
export function directoryConditions(filter: UserDirectoryFilter, firstParam = 2): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const next = (value: unknown): string => {
    params.push(value);
    return `$${firstParam + params.length - 1}`;
  };
  const conditions: string[] = [];
  if (filter.search) {
    const p = next(containsPattern(filter.search));
    conditions.push(`(u."first_name" ILIKE ${p} OR u."last_name" ILIKE ${p} OR u."email" ILIKE ${p} OR (u."first_name" || ' ' || u."last_name") ILIKE ${p})`);
  } else {
    if (filter.name) {
      const p = next(containsPattern(filter.name));
      conditions.push(`(u."first_name" ILIKE ${p} OR u."last_name" ILIKE ${p})`);
    }
    if (filter.loginName) conditions.push(`u."login_name" ILIKE ${next(containsPattern(filter.loginName))}`);
  }
  if (filter.institute) conditions.push(`i."name" = ${next(filter.institute)}`);
  if (filter.domainName) conditions.push(`d."name" = ${next(filter.domainName)}`);
  if (filter.statuses) conditions.push(`u."status" = ANY(${next([...filter.statuses])}::text[])`);
  if (filter.sameInstituteAs) {
    conditions.push(
      `u."institute_id" IS NOT DISTINCT FROM (SELECT me."institute_id" FROM "identity"."users" me WHERE me."account_id" = u."account_id" AND me."id" = ${next(filter.sameInstituteAs)}::uuid)`,
    );
  }
  return { sql: conditions.map((c) => ` AND ${c}`).join(''), params };
}
