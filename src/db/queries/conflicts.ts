// The two conflicts of interest, as SQL fragments that every query about them uses: a declared
// conflict, and belonging to the organisation the case is for (a conflict without asking). Written
// once, so the case scope, the emails, the approver's list and a person's standing cannot disagree.
import { type AnyColumn, type SQL, sql } from 'drizzle-orm';
import { organisations, panelDeclarations } from '../schema/index.ts';

type Operand = SQL | AnyColumn | string;

/** True when the person has declared a conflict of interest in the case. */
export const declaredConflict = (caseId: Operand, userId: Operand): SQL =>
  sql`exists (select 1 from ${panelDeclarations} where ${panelDeclarations.caseId} = ${caseId}
    and ${panelDeclarations.userId} = ${userId} and ${panelDeclarations.conflicted})`;

/**
 * True unless the person has declared a conflict of interest in the case: for lists that walk many
 * cases, the person's few conflicted cases are read once (an InitPlan), not looked up case by case.
 */
export const notConflictedIn = (caseId: Operand, userId: Operand): SQL =>
  sql`not (${caseId} = any(array(select ${panelDeclarations.caseId} from ${panelDeclarations}
    where ${panelDeclarations.userId} = ${userId} and ${panelDeclarations.conflicted})))`;

/**
 * The name of the case's organisation when the person belongs to it and it is not the Commissioner's
 * office (whose staff run its rounds and contracts); no row otherwise.
 */
export const ownOrganisation = (caseOrganisationId: Operand, personOrganisationId: Operand | null): SQL =>
  sql`select ${organisations.name} from ${organisations} where ${organisations.id} = ${caseOrganisationId}
    and ${organisations.id} = ${personOrganisationId} and ${organisations.kind} <> 'commissioner'`;
