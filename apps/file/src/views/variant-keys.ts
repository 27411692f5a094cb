/**
 * Variants are cached by content: one per account, content hash and size. Two files with the
 * same bytes share them; the account in the key keeps tenants' caches apart.
 */
export function variantPrefix(accountId: string, sha256: string): string {
  return `variants/${accountId}/${sha256}/`;
}

export function variantKey(accountId: string, sha256: string, size: string): string {
  return `${variantPrefix(accountId, sha256)}${size}.png`;
}
