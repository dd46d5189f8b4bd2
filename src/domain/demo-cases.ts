// Cases at different stages, so a fresh install has work to look at: the Youth Fund and victims'
// services rounds open for bids, Youth Fund bids from draft to offered, one of them awaiting the
// approver's signature, a live crime and disorder grant with a return to check, returns due and a
// payment to run, a live victims' service with its grant agreement and messages with its provider,
// and a SARC procurement with its tenders in, to be scored (demo-sarc.ts). The panel works as people
// do: each member declares, scores, then decides.
import { addDays, londonDate } from '../../machines/calendar.ts';
import { commissioningRound } from '../../machines/commissioning-round.ts';
import { crimeDisorderGrant } from '../../machines/crime-disorder-grant.ts';
import { monitoringReturn } from '../../machines/monitoring-return.ts';
import { victimsServices } from '../../machines/victims-services.ts';
import { youthFund } from '../../machines/youth-fund.ts';
import type { Tx } from '../db/client.ts';
import { insertCaseMessage } from '../db/queries/case-messages.ts';
import { lockCasesAbout } from '../db/queries/payments.ts';
import { findUserByEmail } from '../db/queries/people.ts';
import type { Actor } from '../engine/actor.ts';
import type { Engine } from '../engine/engine.ts';
import { decidePendingBankDetails, enterBankDetails } from './bank-details.ts';
import type { DemoIds } from './demo-data.ts';
import { seedDemoForm } from './demo-form.ts';
import { seedSarcProcurement } from './demo-sarc.ts';
import { financialYearOf } from './financial-year.ts';
import { declareInterest, scoreBid } from './panel.ts';
import { PAYMENT_MACHINE } from './payments.ts';
import { actorOf } from './people.ts';

type Step =
  | { by: string; event: Record<string, unknown> }
  | { by: string; declare: true }
  | { by: string; scores: Record<string, number>; comment?: string };

/** A panel member declares no conflict of interest and scores the bid. */
const scored = (by: string, scores: Record<string, number>, comment?: string): Step[] => [
  { by, declare: true },
  { by, scores, ...(comment && { comment }) },
];

const launchRound: Step[] = [
  {
    by: 'officer@demo.test',
    event: {
      type: 'RECORD_NEEDS_ASSESSMENT',
      summary: 'Police and partner data show where need is greatest',
      evidence: 'Strategic needs assessment 2026',
    },
  },
  {
    by: 'officer@demo.test',
    event: { type: 'RECORD_INTENTIONS', summary: 'Commissioning intentions for the year' },
  },
  { by: 'officer@demo.test', event: { type: 'REQUEST_LAUNCH' } },
  { by: 'approver@demo.test', event: { type: 'APPROVE_LAUNCH' } },
];

const submit = (title: string, summary: string, amountRequestedPence: number): Step => ({
  by: 'owner',
  event: { type: 'SUBMIT', title, summary, amountRequestedPence },
});

const youthFundBids = (reportDueOn: string): { provider: string; title: string; steps: Step[] }[] => [
  { provider: 'provider@demo.test', title: 'Friday night football', steps: [] },
  {
    provider: 'provider@demo.test',
    title: 'Detached youth work in Wisbech',
    steps: [
      submit(
        'Detached youth work in Wisbech',
        'Two youth workers on the streets three evenings a week',
        480000,
      ),
    ],
  },
  {
    provider: 'provider2@demo.test',
    title: 'Boxing club bursaries',
    steps: [
      submit('Boxing club bursaries', 'Free membership for 25 young people referred by schools', 300000),
      { by: 'officer@demo.test', event: { type: 'CONFIRM_ELIGIBLE' } },
      // One member has scored; the other has still to.
      ...scored('panel@demo.test', { need: 4, delivery: 3, value: 4 }, 'Clear referral route from schools'),
    ],
  },
  {
    provider: 'provider2@demo.test',
    title: 'Summer music workshops',
    steps: [
      submit('Summer music workshops', 'Six weeks of workshops ending in a public concert', 250000),
      { by: 'officer@demo.test', event: { type: 'CONFIRM_ELIGIBLE' } },
      ...scored('panel@demo.test', { need: 3, delivery: 4, value: 4 }),
      ...scored('panel2@demo.test', { need: 3, delivery: 5, value: 3 }, 'Strong track record'),
      { by: 'panel@demo.test', event: { type: 'APPROVE', amountPence: 220000, reportDueOn } },
    ],
  },
  {
    // Above the programme's £2,500 delegation threshold: the panel's decision awaits the approver.
    provider: 'provider@demo.test',
    title: 'Mentoring for young carers',
    steps: [
      submit('Mentoring for young carers', 'Weekly mentoring and respite trips for 30 young carers', 400000),
      { by: 'officer@demo.test', event: { type: 'CONFIRM_ELIGIBLE' } },
      ...scored('panel@demo.test', { need: 5, delivery: 4, value: 4 }, 'Young carers are under-served'),
      ...scored('panel2@demo.test', { need: 5, delivery: 4, value: 3 }),
      { by: 'panel2@demo.test', event: { type: 'APPROVE', amountPence: 400000, reportDueOn } },
    ],
  },
];

export async function seedDemoCases(
  tx: Tx,
  engine: Engine,
  ids: DemoIds,
  now: Date,
  /** The engine on an earlier day, for a case whose steps took weeks (the SARC procurement). */
  engineAt: (at: Date) => Engine,
): Promise<void> {
  const actor = async (email: string) => {
    const user = await findUserByEmail(tx, email);
    if (!user) throw new Error(`Demo user ${email} is missing`);
    return actorOf(user);
  };
  const run = async (caseId: string, owner: string, steps: Step[]) => {
    for (const step of steps) {
      const by = await actor(step.by === 'owner' ? owner : step.by);
      if ('event' in step) await engine.send(by, caseId, step.event, { tx });
      else if ('declare' in step)
        await declareInterest(tx, by, caseId, { conflicted: false }, engine.registry);
      else
        await scoreBid(
          tx,
          by,
          caseId,
          { scores: step.scores, ...(step.comment && { comment: step.comment }) },
          engine.registry,
        );
    }
  };
  const officer = await actor('officer@demo.test');
  for (const programmeId of [ids.programmes.youthFund, ids.programmes.victims]) {
    const round = await engine.create(
      officer,
      { machine: commissioningRound.id, organisationId: ids.organisations.opcc, input: { programmeId } },
      tx,
    );
    await run(round.id, 'officer@demo.test', launchRound);
  }
  await liveCrimeDisorderGrant(tx, engine, ids, now, { actor, run });
  await liveVictimsService(tx, engine, ids, now, { actor, run });
  for (const bid of youthFundBids(addDays(londonDate(now), 300))) {
    const created = await engine.create(
      await actor(bid.provider),
      { machine: youthFund.id, input: { programmeId: ids.programmes.youthFund, title: bid.title } },
      tx,
    );
    await run(created.id, bid.provider, bid.steps);
  }
  await seedDemoForm(tx, ids.programmes.youthFund, now);
  await seedSarcProcurement(tx, ids, now, engineAt);
}

/**
 * A crime and disorder grant of this year, live: its quarterly monitoring returns opened (those whose
 * quarter has ended due now, the first of them filed and accepted), the Fenland CSP's bank details
 * entered by one finance user and confirmed by the other, and its first payment approved, so the
 * payment run has a line to pay.
 */
async function liveCrimeDisorderGrant(
  tx: Tx,
  engine: Engine,
  ids: DemoIds,
  now: Date,
  {
    actor,
    run,
  }: {
    actor: (email: string) => Promise<Actor>;
    run: (caseId: string, owner: string, steps: Step[]) => Promise<void>;
  },
) {
  const grant = await engine.create(
    await actor('officer@demo.test'),
    {
      machine: crimeDisorderGrant.id,
      organisationId: ids.organisations.fenlandCsp,
      input: {
        programmeId: ids.programmes.crimeAndDisorder,
        allocationPence: 1_800_000,
        financialYear: financialYearOf(londonDate(now)),
        purpose: 'Rural crime patrols and farm watch schemes across Fenland',
      },
    },
    tx,
  );
  await run(grant.id, 'csp@demo.test', [
    { by: 'officer@demo.test', declare: true },
    { by: 'officer@demo.test', event: { type: 'ALLOCATE' } },
    {
      by: 'officer@demo.test',
      event: {
        type: 'OFFER_CONDITIONS',
        conditions: 'Quarterly monitoring returns; a final evaluation',
        reasons: 'Fenland has the county’s highest rate of rural theft',
      },
    },
    { by: 'owner', event: { type: 'ACCEPT_CONDITIONS' } },
  ]);
  const account = { sortCode: '309457', accountNumber: '41526378' };
  const finance = await actor('finance@demo.test');
  await enterBankDetails(
    tx,
    finance,
    ids.organisations.fenlandCsp,
    {
      accountName: 'Fenland CSP Grants Account',
      ...account,
      reason: 'Letter from the partnership, checked by phone',
    },
    now,
  );
  await decidePendingBankDetails(
    tx,
    await actor('finance2@demo.test'),
    ids.organisations.fenlandCsp,
    { confirm: true, body: account },
    now,
  );
  const [first] = await lockCasesAbout(tx, grant.id, PAYMENT_MACHINE);
  if (first) await engine.send(finance, first.id, { type: 'APPROVE' }, { tx });
  // The first quarter's return, once that quarter has ended, is in and accepted: the board report
  // has outcomes to show. Later ones are left due, for the partnership to file.
  const [firstReturn] = await lockCasesAbout(tx, grant.id, monitoringReturn.id);
  const period = (firstReturn?.snapshot as { context?: { periodEnd?: string } } | undefined)?.context;
  if (firstReturn && period?.periodEnd && period.periodEnd <= londonDate(now)) {
    await run(firstReturn.id, 'csp@demo.test', [
      {
        by: 'owner',
        event: {
          type: 'SUBMIT_RETURN',
          performance: 'Patrols ran on 52 nights; 14 farms joined the watch scheme',
          measures: {
            crimesInArea: {
              value: 46,
              breakdown: { 'Rural theft': 31, 'Anti-social behaviour': 9, 'Other crime': 6 },
            },
            peopleReached: { value: 420 },
            residentsFeelingSafe: { value: 71.5 },
          },
          spendPence: 420_000,
        },
      },
      { by: 'officer@demo.test', event: { type: 'ACCEPT_RETURN' } },
    ]);
  }
  // The second, once its quarter has ended, is in and waits for the officer to check it.
  const [, secondReturn] = await lockCasesAbout(tx, grant.id, monitoringReturn.id);
  const second = (secondReturn?.snapshot as { context?: { periodEnd?: string } } | undefined)?.context;
  if (secondReturn && second?.periodEnd && second.periodEnd <= londonDate(now))
    await run(secondReturn.id, 'csp@demo.test', [
      {
        by: 'owner',
        event: {
          type: 'SUBMIT_RETURN',
          performance: 'Patrols ran on 48 nights; the farm watch scheme grew to 21 farms',
          measures: {
            crimesInArea: {
              value: 39,
              breakdown: { 'Rural theft': 24, 'Anti-social behaviour': 10, 'Other crime': 5 },
            },
            peopleReached: { value: 515 },
            residentsFeelingSafe: { value: 73 },
          },
          spendPence: 450_000,
        },
      },
    ]);
}

type Helpers = {
  actor: (email: string) => Promise<Actor>;
  run: (caseId: string, owner: string, steps: Step[]) => Promise<void>;
};

/**
 * Riverside's independent sexual violence advisers, live from next April on a signed grant agreement
 * paid quarterly in arrears (its payments and returns opened), with a question from the officer
 * about the start and the provider's answer.
 */
async function liveVictimsService(tx: Tx, engine: Engine, ids: DemoIds, now: Date, { actor, run }: Helpers) {
  const first = Number(financialYearOf(londonDate(now)).slice(0, 4)) + 1;
  const dates = { startsOn: `${first}-04-01`, endsOn: `${first + 1}-03-31` };
  const bid = await engine.create(
    await actor('provider@demo.test'),
    { machine: victimsServices.id, input: { programmeId: ids.programmes.victims } },
    tx,
  );
  await run(bid.id, 'provider@demo.test', [
    {
      by: 'owner',
      event: {
        type: 'SUBMIT',
        title: 'Independent sexual violence advisers',
        summary: 'Two ISVAs supporting victims from report to court, across the county',
        amountRequestedPence: 4_200_000,
        ...dates,
        service: 'isva',
      },
    },
    { by: 'officer@demo.test', declare: true },
    {
      by: 'officer@demo.test',
      event: {
        type: 'PASS_DUE_DILIGENCE',
        checks: { safeguardingPolicy: true, insurance: true, accounts: true, governance: true },
      },
    },
    ...scored('panel@demo.test', { quality: 4, need: 5, partnership: 4, value: 3 }, 'A proven service'),
    ...scored('panel2@demo.test', { quality: 4, need: 4, partnership: 3, value: 4 }),
    { by: 'officer@demo.test', event: { type: 'CLOSE_SCORING' } },
    {
      by: 'officer@demo.test',
      event: {
        type: 'MODERATE',
        scores: { quality: 4, need: 5, partnership: 4, value: 4 },
        rationale: 'The panel agreed the need is well evidenced',
      },
    },
    {
      by: 'officer@demo.test',
      event: { type: 'RECOMMEND_AWARD', amountPence: 4_000_000, rationale: 'Strong, well-evidenced bid' },
    },
    { by: 'owner', event: { type: 'ACCEPT_OFFER' } },
    {
      by: 'officer@demo.test',
      event: {
        type: 'SIGN_AGREEMENT',
        ...dates,
        amountPence: 4_000_000,
        paymentProfile: 'quarterlyInArrears',
      },
    },
  ]);
  // Written just after the agreement (the engine's clock has moved on since `now`), in order.
  const after = engine.instant().getTime();
  const [officer, provider] = await Promise.all([actor('officer@demo.test'), actor('provider@demo.test')]);
  const messages = [
    {
      authorId: officer.userId!,
      fromOrganisation: false,
      body: 'Congratulations on the award. Could you send the names of both ISVAs before the service starts in April?',
    },
    {
      authorId: provider.userId!,
      fromOrganisation: true,
      body: 'Thank you. One ISVA is in post; we interview for the second in February and will send both names then.',
    },
  ];
  for (const [i, message] of messages.entries())
    await insertCaseMessage(tx, {
      caseId: bid.id,
      ...message,
      sendKey: `demo-${i}`,
      at: new Date(after + i + 1),
    });
}
