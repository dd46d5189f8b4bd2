// Brings a victims' services bid to the stage a test starts from: submitted, through due diligence
// (to the panel's scoring), scoring and moderation to a recommendation, then (optionally) recommended, accepted and signed.
// `send` is the caller's own way of sending an event that must be taken (over HTTP, as the owner
// or a demo user), so tests with their own provider organisation can use it too.
type Event = { type: string } & Record<string, unknown>;
export type Send = (by: 'owner' | 'officer', event: Event) => Promise<unknown>;

export interface VictimsBid {
  title?: string;
  service?: string;
  amountPence?: number;
  startsOn?: string;
  endsOn?: string;
  /** The moderation, where a test reads it back. */
  moderation?: { scores: Record<string, number>; rationale: string };
  /** The agreement's payment terms, when the bid is taken to `live`. */
  paymentProfile?: string;
  instalments?: number;
}

const checks = { safeguardingPolicy: true, insurance: true, accounts: true, governance: true };

export async function victimsBidTo(
  stage: 'panelScoring' | 'recommendation' | 'live',
  send: Send,
  bid: VictimsBid = {},
): Promise<void> {
  const { title = 'ISVA service', service = 'isva', amountPence = 1_000_000 } = bid;
  const dates = { startsOn: bid.startsOn ?? '2027-04-01', endsOn: bid.endsOn ?? '2028-03-31' };
  const submit = {
    type: 'SUBMIT',
    title,
    summary: 'Support',
    amountRequestedPence: amountPence,
    ...dates,
    service,
  };
  await send('owner', submit);
  await send('officer', { type: 'PASS_DUE_DILIGENCE', checks });
  if (stage === 'panelScoring') return;
  // No panel sits on a bid brought this far by a test: scoring closes with the reason why.
  await send('officer', { type: 'CLOSE_SCORING', quorumReason: 'Scored at the panel meeting' });
  const moderation = bid.moderation ?? { scores: { need: 4, value: 4 }, rationale: 'Agreed' };
  await send('officer', { type: 'MODERATE', ...moderation });
  if (stage === 'recommendation') return;
  await send('officer', { type: 'RECOMMEND_AWARD', amountPence, rationale: 'Strong' });
  await send('owner', { type: 'ACCEPT_OFFER' });
  const terms = {
    paymentProfile: bid.paymentProfile ?? 'oneOff',
    ...(bid.instalments && { instalments: bid.instalments }),
  };
  await send('officer', { type: 'SIGN_AGREEMENT', ...dates, amountPence, ...terms });
}
