// Everything held about one person, for a subject access request: their account (never its secrets),
// memberships, sign-ins, links, what they did on cases, messages and notes they wrote, panel work,
// drafts, email and bank-details changes they entered or decided.
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import {
  apiTokens,
  bankDetails,
  caseEvents,
  caseMessages,
  caseNotes,
  cases,
  formDrafts,
  memberships,
  organisations,
  outbox,
  panelDeclarations,
  panelScores,
  passwordLinks,
  programmePanel,
  programmes,
  users,
  webSessions,
} from '../schema/index.ts';

export async function personalDataOf(db: Db, userId: string) {
  const [account] = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      actingFor: organisations.name,
      createdAt: users.createdAt,
      emailVerifiedAt: users.emailVerifiedAt,
      deactivatedAt: users.deactivatedAt,
      anonymisedAt: users.anonymisedAt,
      hasPassword: sql<boolean>`${users.passwordHash} is not null`,
      twoStepSetUp: sql<boolean>`${users.totpSecret} is not null`,
      signsInThroughIdentityProvider: sql<boolean>`${users.oidcSubject} is not null`,
    })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(users.id, userId));
  if (!account) return undefined;
  const byCase = { caseId: cases.id, machine: cases.machineId, seq: cases.seq };
  return {
    account,
    memberships: await db
      .select({
        organisation: organisations.name,
        permissions: memberships.permissions,
        invitedAt: memberships.createdAt,
        acceptedAt: memberships.acceptedAt,
      })
      .from(memberships)
      .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
      .where(eq(memberships.userId, userId)),
    sessions: await db
      .select({ startedAt: webSessions.createdAt, endsAt: webSessions.expiresAt })
      .from(webSessions)
      .where(eq(webSessions.userId, userId)),
    apiTokens: await db
      .select({ createdAt: apiTokens.createdAt, revokedAt: apiTokens.revokedAt })
      .from(apiTokens)
      .where(eq(apiTokens.userId, userId)),
    links: await db
      .select({
        purpose: passwordLinks.purpose,
        sentAt: passwordLinks.createdAt,
        expiresAt: passwordLinks.expiresAt,
        usedAt: passwordLinks.usedAt,
      })
      .from(passwordLinks)
      .where(eq(passwordLinks.userId, userId)),
    caseActions: await db
      .select({ ...byCase, event: caseEvents.type, at: caseEvents.at, sent: caseEvents.payload })
      .from(caseEvents)
      .innerJoin(cases, eq(cases.id, caseEvents.caseId))
      .where(eq(caseEvents.actorId, userId))
      .orderBy(asc(caseEvents.at)),
    messagesWritten: await db
      .select({ ...byCase, at: caseMessages.at, words: caseMessages.body })
      .from(caseMessages)
      .innerJoin(cases, eq(cases.id, caseMessages.caseId))
      .where(eq(caseMessages.authorId, userId))
      .orderBy(asc(caseMessages.at)),
    notesWritten: await db
      .select({ ...byCase, at: caseNotes.at, words: caseNotes.body })
      .from(caseNotes)
      .innerJoin(cases, eq(cases.id, caseNotes.caseId))
      .where(eq(caseNotes.authorId, userId))
      .orderBy(asc(caseNotes.at)),
    panelMemberships: await db
      .select({
        programme: programmes.name,
        assignedAt: programmePanel.assignedAt,
        removedAt: programmePanel.removedAt,
      })
      .from(programmePanel)
      .innerJoin(programmes, eq(programmes.id, programmePanel.programmeId))
      .where(eq(programmePanel.userId, userId)),
    conflictDeclarations: await db
      .select({
        ...byCase,
        conflicted: panelDeclarations.conflicted,
        reason: panelDeclarations.reason,
        at: panelDeclarations.at,
      })
      .from(panelDeclarations)
      .innerJoin(cases, eq(cases.id, panelDeclarations.caseId))
      .where(eq(panelDeclarations.userId, userId)),
    scores: await db
      .select({ ...byCase, scores: panelScores.scores, comment: panelScores.comment, at: panelScores.at })
      .from(panelScores)
      .innerJoin(cases, eq(cases.id, panelScores.caseId))
      .where(eq(panelScores.userId, userId)),
    drafts: await db
      .select({
        ...byCase,
        form: formDrafts.eventType,
        fields: formDrafts.fields,
        savedAt: formDrafts.savedAt,
      })
      .from(formDrafts)
      .innerJoin(cases, eq(cases.id, formDrafts.caseId))
      .where(eq(formDrafts.userId, userId)),
    email: await db
      .select({
        subject: outbox.subject,
        writtenAt: outbox.createdAt,
        status: outbox.status,
        sentAt: outbox.sentAt,
        words: outbox.text,
      })
      .from(outbox)
      .where(sql`lower(${outbox.toEmail}) = lower(${account.email})`)
      .orderBy(asc(outbox.createdAt)),
    bankDetailsChanges: await db
      .select({
        organisation: organisations.name,
        status: bankDetails.status,
        requestedAt: bankDetails.requestedAt,
        decidedAt: bankDetails.decidedAt,
        enteredByThem: sql<boolean>`${bankDetails.requestedBy} = ${userId}`,
      })
      .from(bankDetails)
      .innerJoin(organisations, eq(organisations.id, bankDetails.organisationId))
      .where(sql`${bankDetails.requestedBy} = ${userId} or ${bankDetails.decidedBy} = ${userId}`),
  };
}

/** The person with this email address, for an admin looking someone up. */
export async function personByEmail(db: Db, email: string) {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email.trim()})`);
  return row?.id;
}
