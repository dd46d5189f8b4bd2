// Uploads and memory: the app, as a real process, takes files a chunk at a time, so its memory does not
// grow with the size of the files. Baseline in the same run: as many at once of files a tenth of the
// size (2 MB against 20), ten times as many, so as many bytes are moved. Moving bytes at speed leaves garbage the collector takes when it
// will, the same for both; a file held whole would add its size, at once, for each upload running.
// Run with `npm run bench:uploads` (`-- --megabytes 20 --at-once 4 --rounds 3`).
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
  const phase = async (bytes: number, times = rounds) => {
    const file = new Blob([pdf(bytes)], { type: 'application/pdf' });
    const sampler = new RssSampler(app.pid, 20);
    sampler.start();
    const started = performance.now();
    for (let r = 0; r < times; r++)
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
  const small = megabytes / 10;
  // Warm-up, so the first measured phase is not paying for code loading.
  const idle = await phase(1024);
  // As many bytes moved as the large files, so the garbage of moving them is the same in both.
  const baseline = await phase(small * MB, rounds * 10);
  const large = await phase(megabytes * MB);
  const growthMB = roundTo(large.peakMB - baseline.peakMB, 1);
  // Held whole, each upload running would add the difference in size.
  const wholeMB = atOnce * (megabytes - small);
  const rate = (size: number, seconds: number) => roundTo((atOnce * rounds * size) / seconds, 1);
  console.log(`uploads: ${atOnce} at once, ${rounds} rounds; app peak RSS at rest ${idle.peakMB} MB`);
  console.log(
    `  baseline (${small} MB files, ten times as many): app peak RSS ${baseline.peakMB} MB, ${rate(small * 10, baseline.seconds)} MB/s`,
  );
  console.log(
    `  ${megabytes} MB files: app peak RSS ${large.peakMB} MB, ${rate(megabytes, large.seconds)} MB/s`,
  );
  console.log(
    `  larger files add ${growthMB} MB at peak; held whole they would add ${wholeMB} MB: ${growthMB < wholeMB / 2 ? 'met' : 'NOT met'} (target < ${wholeMB / 2} MB)`,
  );
} finally {
  await app.stop();
  await sql.end();
  await database.drop();
}
