import { ApiFamily } from '@quire/errors';

/** Where each API family is mounted (DESIGN.md "API families"). */
export const Mounts: Record<ApiFamily, string> = {
  'word-edit': '/api-v3/report/external-edit',
  'file-upload': '/api_v3/files',
  documents: '/api/v1',
  viewing: '/pas',
  'rest-auth': '/rest/ng',
};

/** Extra prefixes that belong to a family (file-upload's view links live outside its mount). */
const extraPrefixes: Array<[string, ApiFamily]> = [['/files/view', 'file-upload']];

const byPrefix: Array<[string, ApiFamily]> = [
  ...(Object.entries(Mounts) as Array<[ApiFamily, string]>).map(([family, mount]): [string, ApiFamily] => [mount, family]),
  ...extraPrefixes,
].sort((a, b) => b[0].length - a[0].length);

/** The family a URL belongs to, by its path; undefined outside every mount. */
export function familyOf(url: string): ApiFamily | undefined {
  const path = url.split('?')[0] ?? '';
  for (const [prefix, family] of byPrefix) {
    if (path === prefix || path.startsWith(`${prefix}/`)) return family;
  }
  return undefined;
}
