/**
 * How deeply an EPCIS document may nest. The deepest standard structure (a document, its body,
 * the event list, an event, a sensor element list, a report, a user extension inside it) is a
 * dozen levels; 64 leaves room for real extensions. Without a bound, nesting is a denial of
 * service: saxes resolves namespaces in time that grows with the depth of every element
 * (10,000 levels took 2.8 s, 40,000 took 72 s) and the JSON path walks extensions recursively,
 * so 10,000 levels overflow the stack.
 */
import { TracegraphError } from '../../core/errors.ts';

/** Elements (XML) or objects and arrays (JSON) inside one another, the outermost counting as 1. */
export const MAX_EPCIS_DEPTH = 64;

export function tooDeep(where: string): TracegraphError {
  return new TracegraphError(
    'BAD_EPCIS',
    `the document nests deeper than ${MAX_EPCIS_DEPTH} levels, the limit for EPCIS documents: flatten the extension that nests this deep`,
    { where },
  );
}

/** Throws tooDeep when a parsed JSON value nests deeper than the limit; iterative, so any depth is safe to check. */
export function checkJsonDepth(value: unknown, where: string): void {
  const stack: [unknown, number][] = [[value, 1]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [v, depth] = item;
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_EPCIS_DEPTH) throw tooDeep(where);
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
}
