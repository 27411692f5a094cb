/**
 * Text the edge refuses in every string a client sends (JSON bodies, path, query, multipart text
 * fields): NUL, which Postgres cannot store in text (`invalid byte sequence for encoding "UTF8":
 * 0x00`, a 500 deep in a service), and lone UTF-16 surrogates, which have no UTF-8 form.
 */
const HOSTILE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with `value`, or undefined when it may go on. */
export function textProblem(value: string): string | undefined {
  const match = HOSTILE.exec(value);
  if (!match) return undefined;
  return match[0] === '\u0000' ? 'contains a NUL character' : 'contains a lone UTF-16 surrogate';
}

export interface HostileString {
  /** Where it is: `loginName`, `items.2.name`, or `(key) items.2` for a property name. */
  at: string;
  problem: string;
}

/**
 * The first string (value or property name) of a parsed JSON value that `textProblem` refuses.
 * Iterative, so a deep value cannot overflow the stack (depth is limited while parsing anyway).
 */
export function findHostileString(root: unknown): HostileString | undefined {
  const stack: Array<{ value: unknown; at: string }> = [{ value: root, at: '' }];
  while (stack.length) {
    const { value, at } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return { at: at || '(body)', problem };
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) stack.push({ value: value[index], at: join(at, String(index)) });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const problem = textProblem(key);
        if (problem) return { at: `(key) ${at || '(body)'}`, problem };
        stack.push({ value: child, at: join(at, key) });
      }
    }
  }
  return undefined;
}

function join(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}
