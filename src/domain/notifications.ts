// The `notify` effect: turns a machine's notification into outbox rows, one per person, inside the
// transition's transaction — so an email exists exactly when the change that caused it committed.
import type { NotifyParams, Recipient } from '../../machines/define.ts';
import type { Tx } from '../db/client.ts';
import { staffToTell } from '../db/queries/cases.ts';
import { insertOutboxRows } from '../db/queries/outbox.ts';
import { membersWhoMay, type UserRow } from '../db/queries/people.ts';
import type { EffectHandler } from '../engine/engine.ts';
import { caseReference } from '../engine/views.ts';
import { letter, renderMessage } from '../mail/templates.ts';

/**
 * Who a message goes to: the owning organisation's people who receive its emails, and staff of each role named who may see
 * the case (a panel member only on its programme's panel) and have no conflict of interest in it.
 */
async function recipients(
  tx: Tx,
  to: readonly Recipient[],
  caseRow: { id: string; organisationId: string },
): Promise<Pick<UserRow, 'email' | 'name'>[]> {
  const found = await Promise.all(
    to.map((r) =>
      r === 'owner'
        ? membersWhoMay(tx, caseRow.organisationId, 'receiveEmail')
        : staffToTell(tx, caseRow.id, r),
    ),
  );
  const byEmail = new Map(found.flat().map((user) => [user.email.toLowerCase(), user]));
  return [...byEmail.values()];
}

export function notifyEffect(publicUrl: string): EffectHandler {
  return async (tx, effect, { caseRow, definition, at }) => {
    const { message, to } = effect.params as NotifyParams;
    const context = (caseRow.snapshot as { context?: Record<string, unknown> }).context ?? {};
    const { title } = definition.summary(context);
    const reference = caseReference(definition, caseRow.seq);
    const people = await recipients(tx, to, caseRow);
    await insertOutboxRows(
      tx,
      people.map((person) => ({
        caseId: caseRow.id,
        caseVersion: caseRow.version,
        message,
        toEmail: person.email,
        toName: person.name,
        ...renderMessage(definition, message, {
          recipientName: person.name,
          reference,
          title,
          caseUrl: `${publicUrl}/cases/${caseRow.id}`,
          stateLabel: definition.states[caseRow.state]?.label ?? caseRow.state,
          context,
        }),
        nextAttemptAt: at,
        createdAt: at,
      })),
    );
  };
}

/** A letter about no case (a password link, bank details), for the people given, queued now. */
export interface Letter {
  message: string;
  subject: string;
  body: readonly string[];
  link?: { href: string; text: string; textLine: string };
}

/** Queues a letter about no case to each person, in the caller's transaction. */
export async function sendLetters(
  tx: Tx,
  people: readonly Pick<UserRow, 'email' | 'name'>[],
  words: Letter,
  at: Date,
): Promise<void> {
  await insertOutboxRows(
    tx,
    people.map((person) => ({
      caseId: null,
      caseVersion: null,
      message: words.message,
      toEmail: person.email,
      toName: person.name,
      subject: words.subject,
      ...letter(person.name, words.body, words.link),
      nextAttemptAt: at,
      createdAt: at,
    })),
  );
}
