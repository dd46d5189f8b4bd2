// Due diligence reads the organisation's profile: a check an event declares in `profileChecks` passes
// only when the organisation has an in-date document of its kind, else the check is named with why.

import { dayInWords } from '../../../machines/calendar.ts';
import {
  type EventSpec,
  type FieldProblem,
  type Now,
  profileDocumentKinds,
} from '../../../machines/define.ts';
import type { Tx } from '../../db/client.ts';
import type { CaseRow } from '../../db/queries/cases.ts';
import { profileOf } from './profile.ts';

export async function profileCheckProblems(
  tx: Tx,
  caseRow: CaseRow,
  spec: EventSpec,
  payload: Record<string, unknown>,
  now: Now,
): Promise<FieldProblem[]> {
  const declared = spec.profileChecks;
  if (!declared) return [];
  const checks = (payload[declared.field] ?? {}) as Record<string, unknown>;
  const passed = Object.entries(declared.documents).filter(([check]) => checks[check] === true);
  if (!passed.length) return [];
  const profile = await profileOf(tx, caseRow.organisationId, now.today);
  return passed.flatMap(([check, kind]) => {
    const document = profile.find((p) => p.kind === kind)?.current;
    const words = profileDocumentKinds[kind].toLowerCase();
    if (!document)
      return [
        { field: `${declared.field}.${check}`, message: `The organisation has no ${words} on its profile` },
      ];
    if (!document.inDate)
      return [
        {
          field: `${declared.field}.${check}`,
          message: `The organisation’s ${words} ran out on ${dayInWords(document.expiresOn)}: it must upload one that is in date`,
        },
      ];
    return [];
  });
}
