// A real ClamAV daemon on loopback for the upload tests, with a signature database of one signature
// (the EICAR test file's), written by the test: no download, starts in seconds.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './database.ts';

/** The EICAR anti-virus test file, put together here so no file in the repository is it. */
export const EICAR = Buffer.from(
  ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join(''),
  'latin1',
);

const ping = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.createConnection({ host: '127.0.0.1', port });
    let reply = '';
    socket.on('data', (d) => {
      reply += d.toString();
    });
    socket.on('connect', () => socket.write('zPING\0'));
    socket.on('close', () => resolve(reply.startsWith('PONG')));
    socket.on('error', () => resolve(false));
    socket.setTimeout(1000, () => socket.destroy());
  });

export async function startClamd(): Promise<{ address: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'clamd-'));
  const port = await freePort();
  writeFileSync(path.join(dir, 'eicar.ndb'), `Eicar-Test-Signature:0:*:${EICAR.toString('hex')}\n`);
  const config = path.join(dir, 'clamd.conf');
  writeFileSync(
    config,
    [
      `DatabaseDirectory ${dir}`,
      `TCPSocket ${port}`,
      'TCPAddr 127.0.0.1',
      'Foreground yes',
      `LogFile ${path.join(dir, 'clamd.log')}`,
      'StreamMaxLength 100M',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('/usr/sbin/clamd', ['-c', config], { stdio: 'ignore' });
  const deadline = Date.now() + 60_000;
  while (!(await ping(port))) {
    if (child.exitCode !== null) throw new Error(`clamd exited with ${child.exitCode}; see ${dir}/clamd.log`);
    if (Date.now() > deadline) throw new Error('clamd did not start within a minute');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    address: `tcp://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
