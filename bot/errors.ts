/**
 * Domain errors, named and numbered in one place. The code appears in logs and in error bodies
 * (never a stack or a visitor's text).
 */
export const ErrorCodes = {
  CONFIG_INVALID: 'MDU-001',
  KNOWLEDGE_FILE_INVALID: 'MDU-002',
  SCHEDULE_FILE_INVALID: 'MDU-003',
  STORE_CORRUPT: 'MDU-004',
  STORE_LOCKED: 'MDU-005',
  STORE_MISSING: 'MDU-006',
  STORE_ETAG_CONFLICT: 'MDU-007',
  EXAMPLE_SCHEDULE_IN_PRODUCTION: 'MDU-008',
  LEXICON_FILE_INVALID: 'MDU-009',
  ACTIVITY_INVALID: 'MDU-010',
  SERVICE_URL_REFUSED: 'MDU-011',
  STORE_WRITE_FAILED: 'MDU-012',
  STORE_SCHEMA: 'MDU-013',
  STORE_UNAVAILABLE: 'MDU-014',
  STORE_TOO_LARGE: 'MDU-015',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * Exit codes of the bot beyond 0 (stopped) and 1 (any other failure to start or stop): each one a
 * refusal that starting again will not mend, which the service manager is told not to restart on
 * (`RestartPreventExitStatus=` in deployment/systemd/mdu-front-desk.service).
 */
export const ExitCodes = {
  /** EX_CONFIG (sysexits.h): the embedded store is too large for the heap (MDU-015). */
  STORE_TOO_LARGE: 78,
} as const;

export class MduError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MduError';
  }
}

/** A data file (knowledge, schedule, lexicon) that cannot be used: names the file and the field. */
export class DataFileError extends MduError {
  constructor(
    code: ErrorCode,
    readonly file: string,
    readonly field: string,
    problem: string,
  ) {
    super(code, `${file}: ${field}: ${problem}`);
    this.name = 'DataFileError';
  }
}

/** Formats zod issues as "field: problem" lines for a DataFileError. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): { field: string; problem: string } {
  const first = issues[0];
  const field = first ? first.path.map(String).join('.') || '(root)' : '(root)';
  const problem = issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
  return { field, problem: first ? (issues.length > 1 ? problem : first.message) : 'invalid' };
}
