// A SARC procurement whose tender closed five weeks ago, so a fresh install has one to run through in
// pages: published ten weeks ago, two bidders' questions answered, two tenders in, the clarification
// period and the tender deadline passed. The officer scores, moderates, records the board, and on.
import { addDays, londonDate, londonInstant } from '../../machines/calendar.ts';
import { sarcRecommissioning } from '../../machines/sarc-recommissioning.ts';
import type { Tx } from '../db/client.ts';
import { findUserByEmail } from '../db/queries/people.ts';
import { deleteTimer, dueTimersOfCase } from '../db/queries/timers.ts';
import type { Engine } from '../engine/engine.ts';
import type { DemoIds } from './demo-data.ts';
import { actorOf } from './people.ts';

const POUND = 100;

export async function seedSarcProcurement(
  tx: Tx,
  ids: DemoIds,
  now: Date,
  /** The engine as it was on a day: the procurement's steps happened on the days they say. */
  engineAt: (at: Date) => Engine,
): Promise<void> {
  const today = londonDate(now);
  const day = (offset: number) => addDays(today, offset);
  const on = (offset: number) => engineAt(londonInstant(day(offset), '12:00'));
  const user = await findUserByEmail(tx, 'officer@demo.test');
  if (!user) throw new Error('Demo user officer@demo.test is missing');
  const officer = actorOf(user);

  const procurement = await on(-70).create(
    officer,
    {
      machine: sarcRecommissioning.id,
      organisationId: ids.organisations.opcc,
      input: {
        programmeId: ids.programmes.sarc,
        title: 'Sexual Assault Referral Centre contract',
        contractValuePence: 2_400_000 * POUND,
      },
    },
    tx,
  );
  const steps: [number, Record<string, unknown>][] = [
    [
      -70,
      {
        type: 'PUBLISH_TENDER',
        clarificationDeadline: day(-49),
        tenderDeadline: day(-35),
        qualityWeight: 70,
        priceWeight: 30,
      },
    ],
    [
      -62,
      {
        type: 'ANSWER_CLARIFICATION',
        question: 'Must the forensic suite be available around the clock, or on call out of hours?',
        answer: 'Around the clock: the specification asks for a crisis worker on site at all times.',
      },
    ],
    [
      -55,
      {
        type: 'ANSWER_CLARIFICATION',
        question: 'Will staff transfer to the new provider under TUPE?',
        answer: 'Yes. The staff list and their terms are in the data room.',
      },
    ],
    [-40, { type: 'RECORD_TENDER', supplierId: ids.organisations.mountain, pricePence: 2_280_000 * POUND }],
    [-36, { type: 'RECORD_TENDER', supplierId: ids.organisations.solace, pricePence: 2_150_000 * POUND }],
  ];
  for (const [offset, event] of steps) await on(offset).send(officer, procurement.id, event, { tx });

  // The clarification period and the tender deadline passed, as their timers fire.
  const after = on(-34);
  for (const timer of await dueTimersOfCase(tx, procurement.id, londonInstant(day(-34), '12:00'))) {
    await deleteTimer(tx, timer.id);
    await after.fireTimer(tx, procurement.id, timer.event as { type: string });
  }
}
