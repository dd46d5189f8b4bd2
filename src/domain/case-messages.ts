// Messages between the Commissioner's office and the organisation a case is for: written in the
// service, read on the case page and in its history by both sides; whoever a message is for is
// emailed that it is there. As every email here, it names the case and links to it, and leaves the
// words themselves to be read after signing in.
import type { Database, Db } from '../db/client.ts';
import { insertCaseMessage, messagesOfCase } from '../db/queries/case-messages.ts';
import { staffToTell } from '../db/queries/cases.ts';
import { findOrganisation } from '../db/queries/organisations.ts';
import { insertOutboxRows } from '../db/queries/outbox.ts';
import { membersWhoMay, peopleByIds } from '../db/queries/people.ts';
import type { Actor } from '../engine/actor.ts';
import type { Engine } from '../engine/engine.ts';
import { type FieldError, forbidden } from '../engine/errors.ts';
import { exchangesMessages } from '../engine/view-policy.ts';
import type { CaseView } from '../engine/views.ts';
import { letter } from '../mail/templates.ts';
import { writingProblems } from './case-writing.ts';

export const CASE_MESSAGE = 'caseMessage';
const OFFICE = 'the Office of the Police and Crime Commissioner';

export interface MessageToSend {
  body: string;
  /** The form's own key: the same message sent twice is kept and emailed once. */
  sendKey: string;
}

/** What is wrong with a message as typed; a missing key is the page's fault, not the person's. */
export function messageProblems(message: MessageToSend): FieldError[] {
  const problems = writingProblems(message.body, 'message');
  if (!message.sendKey || message.sendKey.length > 255)
    return [...problems, { field: 'sendKey', message: 'Open the message page again and send it from there' }];
  return problems;
}

/** Whom a message from this side goes to, to read in the service. */
async function readersOf(db: Db, view: CaseView, fromOrganisation: boolean) {
  return fromOrganisation
    ? [...(await staffToTell(db, view.id, 'officer'))]
    : membersWhoMay(db, view.organisationId, 'receiveEmail');
}

/** Sends a message on a case this person may see and write on; the problems with it, if any. */
export async function sendCaseMessage(
  db: Database,
  engine: Engine,
  actor: Actor,
  caseId: string,
  message: MessageToSend,
  publicUrl: string,
): Promise<FieldError[]> {
  // Refused as not found first when the case is not theirs to see at all.
  const view = await engine.get(actor, caseId);
  if (!exchangesMessages(actor) || !actor.userId)
    throw forbidden(
      'Only the Commissioner’s staff and the organisation the case is for send messages on it.',
    );
  const problems = messageProblems(message);
  if (problems.length) return problems;
  const fromOrganisation = actor.role === 'provider';
  const at = engine.instant();
  const [[author], organisation] = await Promise.all([
    peopleByIds(db, [actor.userId]),
    findOrganisation(db, view.organisationId),
  ]);
  const writer = `${author?.name ?? 'Someone'} of ${fromOrganisation ? (organisation?.name ?? 'the organisation') : OFFICE}`;
  const about = view.title ? `${view.reference}: ${view.title}` : view.reference;
  await db.transaction(async (tx) => {
    const kept = await insertCaseMessage(tx, {
      caseId,
      authorId: actor.userId!,
      fromOrganisation,
      body: message.body.trim(),
      sendKey: message.sendKey,
      at,
    });
    if (!kept) return;
    const readers = await readersOf(tx, view, fromOrganisation);
    const href = `${publicUrl}/cases/${encodeURIComponent(caseId)}#case-messages`;
    await insertOutboxRows(
      tx,
      readers.map((person) => ({
        caseId,
        caseVersion: view.version,
        message: CASE_MESSAGE,
        toEmail: person.email,
        toName: person.name,
        subject: `New message about ${view.reference}`,
        ...letter(
          person.name,
          [
            `${writer} sent ${fromOrganisation ? 'the office' : 'your organisation'} a message about ${about}.`,
            'Sign in to read it and reply.',
          ],
          { href, text: 'Read the message', textLine: `Read the message: ${href}` },
        ),
        nextAttemptAt: at,
        createdAt: at,
      })),
    );
  });
  return [];
}

/** A case's messages for this person: none unless they write and read them. */
export async function caseMessagesFor(db: Db, actor: Actor, caseId: string) {
  return exchangesMessages(actor) ? messagesOfCase(db, caseId) : [];
}
