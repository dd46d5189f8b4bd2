// Every error message a person can meet comes from a message written for its field, never a
// validator's default ("Too small: expected number to be >=0", "Invalid input", "Invalid option").
// Each field of every schema people fill in (every machine's creation input and events, the
// rulebook's and the case officer's, and the setup pages' forms) is given wrong values of every kind.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { machineDefinitions } from '../../machines/index.ts';
import { newProgramme } from '../../src/domain/catalogue.ts';
import { newFund } from '../../src/domain/funds.ts';
import { newOrganisation } from '../../src/domain/organisations.ts';
import { limitsChange } from '../../src/domain/programme-limits.ts';
import { criteriaChange, detailsChange } from '../../src/domain/programme-settings.ts';
import { caseEvents } from '../../src/engine/case-officer.ts';
import { rulebookEvents } from '../../src/engine/rulebook.ts';
import { cycleQuestionForm, ownQuestionForm } from '../../src/http/web/programme-form-fields.ts';

/** How zod (v4) words its own messages. */
const VALIDATOR_DEFAULT =
  /^(Invalid input|Invalid option|Invalid string|Invalid email|Invalid UUID|Invalid ISO|Invalid date|Invalid number|Invalid key|Invalid element|Invalid union|Too small|Too big|Unrecognized key|Expected |Required$|Cannot be blank)/i;

/** Wrong values of every kind: missing, null, empty, the wrong type, out of range, too long. */
const WRONG: unknown[] = [
  undefined,
  null,
  '',
  '   ',
  'x',
  -1,
  0,
  1.5,
  1e20,
  true,
  [],
  {},
  [{}],
  { a: 'x' },
  'x'.repeat(20_000),
];

const schemas: [string, z.ZodObject][] = [
  ...machineDefinitions.flatMap((d): [string, z.ZodObject][] => [
    [`${d.id} creation input`, d.input as z.ZodObject],
    ...Object.entries(d.events).map(([type, spec]): [string, z.ZodObject] => [
      `${d.id} ${type}`,
      spec.payload,
    ]),
  ]),
  ...Object.entries({ ...rulebookEvents, ...caseEvents }).map(([type, spec]): [string, z.ZodObject] => [
    type,
    spec.payload,
  ]),
  ['a new fund', newFund],
  ['a new organisation', newOrganisation],
  ['a new programme', newProgramme],
  ["a programme's limits", limitsChange],
  ["a programme's criteria", criteriaChange],
  ["a programme's details", detailsChange],
  ["a cycle's question reworded", cycleQuestionForm],
  ["an officer's own question", ownQuestionForm],
];

/** Each wrong value in each field, and in each field of a list's first item or a record's part. */
function attempts(schema: z.ZodObject): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const field of Object.keys(schema.shape))
    for (const value of WRONG) {
      out.push({ [field]: value });
      out.push({ [field]: [{ a: value }] });
      out.push({ [field]: { a: value } });
    }
  return out;
}

describe('every error message is written for its field', () => {
  it.each(schemas)('%s', (_name, schema) => {
    const defaults = new Set<string>();
    for (const body of attempts(schema)) {
      const result = schema.safeParse(body);
      if (result.success) continue;
      // A key the schema does not have is refused as such, whoever sends it: not a person's field.
      for (const issue of result.error.issues)
        if (issue.code !== 'unrecognized_keys' && VALIDATOR_DEFAULT.test(issue.message))
          defaults.add(`${issue.path.join('.')}: ${issue.message.slice(0, 90)}`);
    }
    expect([...defaults]).toEqual([]);
  });
});
