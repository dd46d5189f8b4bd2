// What the officer just did on a programme's pages, in words, for the success banner on its page.

const howMany = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What cases opened together came to, in words, from the counts the page was sent back with. */
function togetherDone(query: Record<string, unknown>): string {
  const [opened, held, stopped] = ['opened', 'held', 'stopped'].map((k) => {
    const n = Number(query[k]);
    return Number.isInteger(n) && n >= 0 ? n : 0;
  }) as [number, number, number];
  const parts = [`${howMany(opened, 'case was', 'cases were')} opened.`];
  if (held)
    parts.push(
      `${howMany(held, 'waits', 'wait')} for an approver’s signature; what you typed for the steps after it is saved on the case.`,
    );
  if (stopped)
    parts.push(
      `${howMany(stopped, 'was', 'were')} stopped by a problem, shown on the case; what you typed is saved there.`,
    );
  return parts.join(' ');
}

/** What the officer just did on the programme, in words. */
export function programmeDone(
  done: unknown,
  name: string | undefined,
  query: Record<string, unknown> = {},
): string | undefined {
  if (done === 'together') return togetherDone(query);
  const who = name ?? 'The panel member';
  if (done === 'assigned')
    return `${who} was added to the panel. They can now see and score this programme’s bids.`;
  if (done === 'removed') return `${who} was taken off the panel. They no longer see this programme’s bids.`;
  if (done === 'created')
    return 'The programme is set up. Until an approver or an admin sets its limits, an approver signs every award.';
  if (done === 'details') return 'The programme’s details were changed.';
  if (done === 'criteria') return 'The scoring criteria were changed.';
  if (done === 'targets') return 'The targets were changed. Cases opened from now on report against them.';
  if (done === 'limits') return 'The limits were changed. The change is logged with your name and reason.';
  return undefined;
}
