// Load for the fault tests, and what must hold in the database afterwards.
//
// Several HTTP clients, each on one keep-alive connection of its own, move their own Youth Fund
// cases along the machine with If-Match, as fast as the app answers, opening new ones as they finish
// with old ones. They keep every answer (and every failed request) and every transition the app
// acknowledged: a 200 with the case's new version, or a 201 with a new case.
// After a fault, `expectIntact` reads the real rows: every acknowledged transition is in the history,
// histories have no gaps, and nothing half-written (a timer, an email, a ledger row) exists without
// the transition that wrote it, or is missing where the transition committed.
import http from 'node:http';
import type postgres from 'postgres';
import { expect } from 'vitest';
import type { TestApp } from './app.ts';
import { DECLARED_BEFORE } from './declarations.ts';
import { youthFundEvents } from './youth-fund-events.ts';

/** A transition the app acknowledged to a client. */
export interface Ack {
  caseId: string;
  /** The version the client sent in If-Match (0 for a case it opened). */
  from: number;
  /** The version the answer said the case is now at (body and ETag). */
  version: number;
  type: string;
  state: string;
  etag: string | undefined;
}

/** One request and what came of it: a status, or the network error (or TIMEOUT) instead. */
export interface Answer {
  client: number;
  method: string;
  path: string;
  status: number | null;
  error?: string;
  contentType?: string;
  retryAfter?: string;
  body?: unknown;
  startedAt: number;
  endedAt: number;
}

/** Authorization header values of the people who send the events. */
export interface Actors {
  provider: string;
  officer: string;
  panel: string;
}

type EventType = keyof typeof youthFundEvents;
type Provider = Awaited<ReturnType<TestApp['newProvider']>>;

/** The Authorization headers of the provider and of the demo staff who send the load's events. */
export const actorsFor = (t: TestApp, provider: Provider): Actors => ({
  provider: provider.auth.Authorization,
  officer: t.as('officer@demo.test').Authorization,
  panel: t.as('panel@demo.test').Authorization,
});

/** Opens `count` draft Youth Fund bids of the provider's under the test's programme; returns their ids. */
export async function openCases(t: TestApp, provider: Provider, count: number): Promise<string[]> {
  const ids: string[] = [];
  while (ids.length < count) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, count - ids.length) }, async () => {
        const res = await t.http
          .post('/api/cases')
          .set(provider.auth)
          .send({ machine: 'youth-fund', input: { programmeId: t.youthFund.programmeId } });
        if (res.status !== 201) throw new Error(`open: ${res.status} ${JSON.stringify(res.body)}`);
        return res.body.id as string;
      }),
    );
    ids.push(...batch);
  }
  return ids;
}

/**
 * From each state, the event the load sends next and who sends it: the bid, its eligibility, the
 * award (money committed, the offer's timers set, the provider told), and the offer declined (money
 * released, timers gone). A case the load has finished with is replaced by a new one.
 */
const nextStep: Record<string, { type: EventType; by: keyof Actors }> = {
  draft: { type: 'SUBMIT', by: 'provider' },
  submitted: { type: 'CONFIRM_ELIGIBLE', by: 'officer' },
  panelReview: { type: 'APPROVE', by: 'panel' },
  offered: { type: 'DECLINE_OFFER', by: 'provider' },
};
const FINISHED = 'offerDeclined';

/** How many timers a case has in each state the load moves it through: the offer's lapse and reminder. */
const timersInState: Record<string, number> = { offered: 2 };

interface Reply {
  status: number | null;
  error?: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

function call(
  agent: http.Agent,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: unknown,
  timeoutMs: number,
): Promise<Reply> {
  const json = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve) => {
    const failed = (error: NodeJS.ErrnoException) =>
      resolve({ status: null, error: error.code ?? error.message, headers: {}, body: undefined });
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: {
          ...headers,
          ...(json === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(json)) }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('error', failed);
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode ?? null, headers: res.headers, body: parsed });
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', failed);
    req.end(json);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Load {
  acks: Ack[];
  answers: Answer[];
  /** Acknowledged transitions of each client so far. */
  acksByClient(): number[];
  /** Stops every client after its request in flight; rejects if a client gave up on its own. */
  stop(): Promise<void>;
}

/**
 * Starts one client per entry of `casesByClient`, each moving only its own cases, round-robin, and
 * opening a new bid under `programmeId` in place of each it has finished with. A case whose last
 * request failed (any answer but 200) is read again before its next event.
 */
export function startLoad(options: {
  baseUrl: string;
  casesByClient: string[][];
  actors: Actors;
  programmeId: string;
  /** A request not answered within this is given up and recorded as TIMEOUT. */
  timeoutMs?: number;
}): Load {
  const acks: Ack[] = [];
  const answers: Answer[] = [];
  const perClient = options.casesByClient.map(() => 0);
  const timeoutMs = options.timeoutMs ?? 20_000;
  let running = true;

  async function client(index: number, caseIds: string[]) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const request = async (method: string, path: string, by: string, headers = {}, body?: unknown) => {
      const startedAt = Date.now();
      const reply = await call(
        agent,
        new URL(path, options.baseUrl),
        method,
        { authorization: by, ...headers },
        body,
        timeoutMs,
      );
      const answer: Answer = {
        client: index,
        method,
        path,
        status: reply.status,
        startedAt,
        endedAt: Date.now(),
      };
      if (reply.error) answer.error = reply.error;
      if (reply.status === null || reply.status >= 300) {
        answer.contentType = reply.headers['content-type'];
        answer.retryAfter = reply.headers['retry-after'];
        answer.body = reply.body;
      }
      answers.push(answer);
      return reply;
    };
    // Not hammering an app that just refused: a short pause, as a client would honour Retry-After.
    const pause = (reply: Reply) => sleep(reply.status === null ? 25 : 50);

    const known = new Map<string, { version: number; state: string }>();
    const acknowledged = (caseId: string, from: number, type: string, reply: Reply) => {
      const view = reply.body as { version: number; state: string };
      acks.push({ caseId, from, version: view.version, type, state: view.state, etag: reply.headers.etag });
      perClient[index]! += 1;
      known.set(caseId, { version: view.version, state: view.state });
    };
    try {
      for (let turn = 0; running; turn++) {
        const slot = turn % caseIds.length;
        const caseId = caseIds[slot]!;
        let current = known.get(caseId);
        if (!current) {
          const reply = await request('GET', `/api/cases/${caseId}`, options.actors.officer);
          if (reply.status !== 200) {
            await pause(reply);
            continue;
          }
          const view = reply.body as { version: number; state: string };
          current = { version: view.version, state: view.state };
          known.set(caseId, current);
        }
        if (current.state === FINISHED) {
          const reply = await request('POST', '/api/cases', options.actors.provider, undefined, {
            machine: 'youth-fund',
            input: { programmeId: options.programmeId },
          });
          if (reply.status === 201) {
            const opened = (reply.body as { id: string }).id;
            acknowledged(opened, 0, 'CREATE', reply);
            caseIds[slot] = opened;
          } else await pause(reply);
          continue;
        }
        const step = nextStep[current.state];
        if (!step) throw new Error(`the load has no event for a case in ${current.state}`);
        // Whoever decides declares no conflict of interest first, as the rulebook asks.
        if (DECLARED_BEFORE.has(step.type)) {
          const declared = await request(
            'PUT',
            `/api/cases/${caseId}/declaration`,
            options.actors[step.by],
            {},
            { conflicted: false },
          );
          if (declared.status !== 200) {
            known.delete(caseId);
            await pause(declared);
            continue;
          }
        }
        const reply = await request(
          'POST',
          `/api/cases/${caseId}/events`,
          options.actors[step.by],
          { 'if-match': `"${current.version}"` },
          youthFundEvents[step.type],
        );
        if (reply.status === 200) acknowledged(caseId, current.version, step.type, reply);
        else {
          known.delete(caseId);
          await pause(reply);
        }
      }
    } finally {
      agent.destroy();
    }
  }

  let fault: unknown;
  const loops = options.casesByClient.map((caseIds, index) =>
    client(index, [...caseIds]).catch((error: unknown) => {
      fault ??= error;
    }),
  );
  return {
    acks,
    answers,
    acksByClient: () => [...perClient],
    stop: async () => {
      running = false;
      await Promise.all(loops);
      if (fault) throw fault;
    },
  };
}

/** Deals `items` out to `hands` hands, round-robin. */
export function deal<T>(items: T[], hands: number): T[][] {
  return Array.from({ length: hands }, (_, hand) => items.filter((_, i) => i % hands === hand));
}

/**
 * Polls until `check` returns true, or fails after `timeoutMs` saying what was awaited and, from
 * `explain`, what happened instead.
 */
export async function pollUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; everyMs?: number; explain?: () => unknown } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!(await check())) {
    if (Date.now() > deadline) {
      const explained = options.explain ? `; instead: ${JSON.stringify(options.explain())}` : '';
      throw new Error(`timed out waiting for ${what}${explained}`);
    }
    await sleep(options.everyMs ?? 25);
  }
}

/** Whether the app answered with success: 200 for an event or a read, 201 for a new case. */
export const succeeded = (a: Answer) => a.status === 200 || a.status === 201;

/** How many answers had each status (or network error), e.g. { "200": 120, "503": 14, "ECONNREFUSED": 3 }. */
export function tallyAnswers(answers: Answer[]): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const a of answers) {
    const what = String(a.status ?? a.error);
    tally[what] = (tally[what] ?? 0) + 1;
  }
  return tally;
}

/** Every case of an organisation: the load's, including any it opened without hearing back. */
export async function casesOf(sql: postgres.Sql, organisationId: string): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`select id from cases where organisation_id = ${organisationId}`;
  return rows.map((r) => r.id);
}

interface HistoryRow {
  caseId: string;
  version: number;
  type: string;
  fromState: string | null;
  toState: string;
  effects: { type: string; params?: { amountPence?: number } }[];
}

const key = (caseId: string, version: number) => `${caseId}@${version}`;

function groupBy<T>(items: T[], by: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(by(item));
    if (group) group.push(item);
    else groups.set(by(item), [item]);
  }
  return groups;
}

/**
 * What must hold for the given cases after any fault, read from the real rows. Returns counts for the
 * test's log.
 */
export async function expectIntact(sql: postgres.Sql, caseIds: string[], acks: Ack[]) {
  const history = await sql<HistoryRow[]>`
    select case_id as "caseId", version, type, from_state as "fromState", to_state as "toState", effects
    from case_events where case_id = any(${caseIds}) order by case_id, version`;
  const cases = await sql<{ id: string; version: number; state: string }[]>`
    select id, version, state from cases where id = any(${caseIds})`;
  expect(cases).toHaveLength(caseIds.length);
  const known = new Set(caseIds);
  expect(
    acks.filter((a) => !known.has(a.caseId)),
    'acknowledged transitions of cases not checked',
  ).toEqual([]);

  // Every acknowledged transition is in the history, as it was acknowledged, once.
  const historyAt = new Map(history.map((h) => [key(h.caseId, h.version), h]));
  const lost = acks.filter((a) => {
    const row = historyAt.get(key(a.caseId, a.version));
    return !row || row.type !== a.type || row.toState !== a.state;
  });
  expect(lost, 'acknowledged transitions missing from the history').toEqual([]);
  expect(acks.filter((a) => a.version !== a.from + 1 || a.etag !== `"${a.version}"`)).toEqual([]);
  const ackedTwice = [...groupBy(acks, (a) => key(a.caseId, a.version)).entries()].filter(
    ([, same]) => same.length > 1,
  );
  expect(ackedTwice, 'one version acknowledged to two requests').toEqual([]);

  // Each case's history runs 1..n without gaps, each step from where the last one left it, and the
  // case stands at n in the state the last step reached.
  const historyOf = groupBy(history, (h) => h.caseId);
  for (const row of cases) {
    const steps = historyOf.get(row.id) ?? [];
    expect(
      steps.map((h) => h.version),
      `history of ${row.id}`,
    ).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1));
    expect(steps[0]?.type, `first event of ${row.id}`).toBe('CREATE');
    for (let i = 1; i < steps.length; i++) expect(steps[i]!.fromState).toBe(steps[i - 1]!.toState);
    expect({ id: row.id, version: row.version, state: row.state }).toEqual({
      id: row.id,
      version: steps.length,
      state: steps.at(-1)?.toState,
    });
  }

  // Timers belong to the state the case is in, and the states that set timers have them.
  const timers = await sql<{ caseId: string; state: string }[]>`
    select case_id as "caseId", state from timers where case_id = any(${caseIds})`;
  const stateOf = new Map(cases.map((c) => [c.id, c.state]));
  expect(
    timers.filter((t) => t.state !== stateOf.get(t.caseId)),
    'timers of a state the case is not in',
  ).toEqual([]);
  const timerCount = groupBy(timers, (t) => t.caseId);
  expect(
    cases
      .filter((c) => (timerCount.get(c.id)?.length ?? 0) !== (timersInState[c.state] ?? 0))
      .map((c) => ({ ...c, timers: timerCount.get(c.id)?.length ?? 0 })),
    'cases without the timers of their state',
  ).toEqual([]);

  // Email and money exist exactly for the transitions that committed, as their effects said.
  const outbox = await sql<{ caseId: string; caseVersion: number; message: string }[]>`
    select case_id as "caseId", case_version as "caseVersion", message
    from outbox where case_id = any(${caseIds})`;
  const ledger = await sql<{ caseId: string; caseVersion: number; movement: string; amount: number }[]>`
    select case_id as "caseId", case_version as "caseVersion", movement, amount_pence::int as amount
    from fund_ledger where case_id = any(${caseIds})`;
  const orphans = [...outbox, ...ledger].filter((r) => !historyAt.has(key(r.caseId, r.caseVersion)));
  expect(orphans, 'outbox or ledger rows of a version that has no history').toEqual([]);

  const outboxAt = groupBy(outbox, (o) => key(o.caseId, o.caseVersion));
  const ledgerAt = groupBy(ledger, (l) => key(l.caseId, l.caseVersion));
  const disagree = history.flatMap((h) => {
    const at = key(h.caseId, h.version);
    const messages = h.effects.filter((e) => e.type === 'notify').length;
    const money = h.effects.flatMap((e) => {
      const amount = e.params?.amountPence ?? 0;
      if (amount <= 0) return [];
      if (e.type === 'commitFunds') return [`commit ${amount}`];
      if (e.type === 'releaseFunds') return [`release ${amount}`];
      return [];
    });
    const sent = outboxAt.get(at)?.length ?? 0;
    const moved = (ledgerAt.get(at) ?? [])
      .filter((l) => l.movement === 'commit' || l.movement === 'release')
      .map((l) => `${l.movement} ${l.amount}`);
    // Each notify here goes to the owner, one provider: one row per notify.
    return sent !== messages || moved.sort().join() !== money.sort().join()
      ? [{ at, type: h.type, messages, sent, money, moved }]
      : [];
  });
  expect(disagree, 'history rows whose email or money rows disagree with their effects').toEqual([]);

  return { transitions: history.length, timers: timers.length, outbox: outbox.length, ledger: ledger.length };
}
