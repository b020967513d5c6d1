/**
 * The one way data files (knowledge, schedule, contacts, synonyms, lexicons, phrases) are read:
 * YAML parsed, then validated with zod; anything wrong is a `DataFileError` naming the file and
 * the field, which stops start-up.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { DataFileError, describeIssues, type ErrorCode } from '../bot/errors.js';

/** Reads a YAML file; a missing or unparsable file is a `DataFileError` on the field "(file)". */
export function readYaml(file: string, code: ErrorCode): unknown {
  try {
    return parseYaml(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    const problem = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `not valid YAML: ${(error as Error).message.split('\n')[0]}`;
    throw new DataFileError(code, file, '(file)', problem);
  }
}

/**
 * Validates parsed data against a schema. `nameField` may make the field clearer (e.g. add a
 * rule's id to "rules.3").
 */
export function validateData<T extends z.ZodType>(schema: T, raw: unknown, file: string, code: ErrorCode, nameField: (field: string) => string = (f) => f): z.infer<T> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const { field, problem } = describeIssues(result.error.issues);
  throw new DataFileError(code, file, nameField(field), problem);
}

/** `readYaml` then `validateData`. */
export function readDataFile<T extends z.ZodType>(file: string, schema: T, code: ErrorCode): z.infer<T> {
  return validateData(schema, readYaml(file, code), file, code);
}
