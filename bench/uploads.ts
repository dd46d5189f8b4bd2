// Uploads and memory: the app, as a real process, takes files a chunk at a time, so its memory grows by
// a few chunks per upload at once, not by the files' size. Baseline in the same run: the same number of
// uploads at once of 1 KB files. Run with `npm run bench:uploads` (`-- --megabytes 20 --at-once 4`).
import { parseArgs } from 'node:util';
import { machineDefinitions } from '../machines/index.ts';
import { connect } from '../src/db/client.ts';
import { issueToken } from '../src/domain/people.ts';
import { freePort } from '../tests/helpers/database.ts';
import { RssSampler, startApp } from './app-process.ts';
import { createProgrammes, prepareDatabase } from './database.ts';
import { MB, roundTo } from './stats.ts';

const { values: flags } = parseArgs({
  options: {
    megabytes: { type: 'string', default: '20' },
    'at-once': { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
  },
});
const megabytes = Number(flags.megabytes);
const atOnce = Number(flags['at-once']);
const rounds = Number(flags.rounds);

const database = await prepareDatabase();
const { db, sql } = connect(database.url, 2);
const port = await freePort();
const app = await startApp({
  databaseUrl: database.url,
  port,
  poolSize: undefined,
  runWorker: false,
  cpuProfileDir: undefined,
});
const base = `http://127.0.0.1:${port}`;
try {
  const tokens = {
    officer: await issueToken(db, 'officer@demo.test'),
    approver: await issueToken(db, 'approver@demo.test'),
    provider: await issueToken(db, 'provider@demo.test'),
  };
  const call = async (who: keyof typeof tokens, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${tokens[who]}`, 'Content-Type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as Record<string, any>;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const [programmeId] = await createProgrammes(db, 1, machineDefinitions);
  const { form } = await call('provider', 'GET', `/api/programmes/${programmeId}/form`);
  form.sections[0].questions.push({ id: 'q1', type: 'file', title: 'Your budget', required: true });
  await call('officer', 'PUT', `/api/programmes/${programmeId}/form`, form);
  const [officer] = await sql`select organisation_id from users where email = 'officer@demo.test'`;
  const round = await call('officer', 'POST', '/api/cases', {
    machine: 'commissioning-round',
    organisationId: officer!.organisation_id,
    input: { programmeId },
  });
  for (const [who, event] of [
    ['officer', { type: 'RECORD_NEEDS_ASSESSMENT', summary: 'Need', evidence: 'Data' }],
    ['officer', { type: 'RECORD_INTENTIONS', summary: 'Intentions' }],
    ['officer', { type: 'REQUEST_LAUNCH' }],
    ['approver', { type: 'APPROVE_LAUNCH' }],
  ] as const)
    await call(who, 'POST', `/api/cases/${round.id}/events`, event);
  const bids: string[] = [];
  for (let i = 0; i < atOnce; i++)
    bids.push(
      (
        await call('provider', 'POST', '/api/cases', {
          machine: 'youth-fund',
          input: { programmeId, title: `Bid ${i}` },
        })
      ).id,
    );

  const pdf = (bytes: number) => {
    const head = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n', 'latin1');
    return Buffer.concat([head, Buffer.alloc(Math.max(0, bytes - head.length), 0x41)]);
  };
  /** `atOnce` uploads at once of a file of `bytes`, `rounds` times: the app's peak memory meanwhile. */
  const phase = async (bytes: number) => {
    const file = new Blob([pdf(bytes)], { type: 'application/pdf' });
    const sampler = new RssSampler(app.pid, 20);
    sampler.start();
    const started = performance.now();
    for (let r = 0; r < rounds; r++)
      await Promise.all(
        bids.map(async (id) => {
          const body = new FormData();
          body.append('file', file, 'budget.pdf');
          const res = await fetch(`${base}/api/cases/${id}/application/files/q1`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${tokens.provider}` },
            body,
          });
          if (!res.ok) throw new Error(`upload: ${res.status} ${await res.text()}`);
        }),
      );
    const seconds = (performance.now() - started) / 1000;
    sampler.pause();
    return { peakMB: roundTo((sampler.summary().peakBytes ?? 0) / MB, 1), seconds: roundTo(seconds, 2) };
  };
  // Warm-up, so the first large phase is not paying for code loading.
  await phase(1024);
  const baseline = await phase(1024);
  const large = await phase(megabytes * MB);
  const growthMB = roundTo(large.peakMB - baseline.peakMB, 1);
  const wholeMB = atOnce * megabytes;
  console.log(`uploads: ${atOnce} at once, ${rounds} rounds`);
  console.log(`  baseline (1 KB files): app peak RSS ${baseline.peakMB} MB`);
  console.log(
    `  ${megabytes} MB files: app peak RSS ${large.peakMB} MB, ${roundTo((atOnce * rounds * megabytes) / large.seconds, 1)} MB/s`,
  );
  console.log(
    `  growth ${growthMB} MB against ${wholeMB} MB were the files held whole: ${growthMB < wholeMB / 2 ? 'met' : 'NOT met'} (target < ${wholeMB / 2} MB)`,
  );
} finally {
  await app.stop();
  await sql.end();
  await database.drop();
}
