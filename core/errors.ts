/**
 * Every error a person can see carries a stable code (for scripts, GraphQL `extensions.code`)
 * and a message that says what to do about it.
 */
export type ErrorCode =
  | 'BAD_INPUT'
  | 'BAD_EVENT'
  | 'BAD_EPCIS'
  | 'NOT_FOUND'
  | 'CONFIG'
  | 'STORE_UNAVAILABLE'
  | 'STORE_AUTH'
  | 'STORE_QUERY'
  | 'STORE_DAMAGED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'SIGNATURE_INVALID'
  | 'TOO_MANY_ATTEMPTS'
  | 'QUERY_TOO_COMPLEX'
  | 'AUDIT_BROKEN'
  | 'INTERNAL';

export class TracegraphError extends Error {
  readonly code: ErrorCode;
  /** Where the problem is, e.g. `file.jsonl:12` or `eventList[3].inputEPCList`. */
  readonly where: string | undefined;

  constructor(code: ErrorCode, message: string, options?: { where?: string; cause?: unknown }) {
    super(options?.where ? `${options.where}: ${message}` : message, { cause: options?.cause });
    this.name = 'TracegraphError';
    this.code = code;
    this.where = options?.where;
  }
}

export function isTracegraphError(e: unknown): e is TracegraphError {
  return e instanceof TracegraphError;
}
