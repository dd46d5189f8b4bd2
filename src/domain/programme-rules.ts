// The rules the engine asks the domain about a case's programme (ProgrammeRules in
// src/engine/rulebook.ts): declarations of interest and the panel's scores (panel-rules.ts), and the
// service dates the programme funds (service-period.ts), and spend reported above an award's value
// (monitoring-returns.ts).
import type { EventSpec, FieldProblem, Now } from '../../machines/define.ts';
import type { Tx } from '../db/client.ts';
import type { CaseRow } from '../db/queries/cases.ts';
import { findProgramme } from '../db/queries/programmes.ts';
import type { ProgrammeRules } from '../engine/rulebook.ts';
import { applicationRuleProblems } from './bid-application.ts';
import { profileCheckProblems } from './documents/profile-checks.ts';
import { spendProblems } from './monitoring-returns.ts';
import { conflicted, conflictStanding, panelProblems, standingFrom } from './panel-rules.ts';
import { servicePeriodProblems } from './service-period.ts';

async function problems(
  tx: Tx,
  caseRow: CaseRow,
  spec: EventSpec,
  context: unknown,
  payload: Record<string, unknown>,
  now: Now,
): Promise<FieldProblem[]> {
  const profile = await profileCheckProblems(tx, caseRow, spec, payload, now);
  const spend = spec.reportsSpend
    ? await spendProblems(tx, caseRow, spec.reportsSpend(context, payload))
    : [];
  const answers = await applicationRuleProblems(tx, caseRow, spec);
  const period = spec.servicePeriod?.(context, payload) ?? null;
  if (!period && !spec.closesScoring && !spec.moderates) return [...profile, ...spend, ...answers];
  // One read of the programme serves the panel's rules and the service dates alike.
  const programme = caseRow.programmeId ? await findProgramme(tx, caseRow.programmeId) : undefined;
  return [
    ...profile,
    ...spend,
    ...answers,
    ...(await panelProblems(tx, caseRow, spec, payload, programme)),
    ...(period && programme ? servicePeriodProblems(programme, period) : []),
  ];
}

export const programmeRules: ProgrammeRules = {
  standing: conflictStanding,
  standingFrom,
  problems,
  conflicted,
};
