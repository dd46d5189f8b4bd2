// ClamAV's daemon, asked over its INSTREAM protocol: the file is sent in chunks as it arrives (each
// with its length, big-endian, then a zero length), and clamd answers `stream: OK` or names what it
// found. The scanner's address is CLAMAV_ADDRESS: tcp://host:port or unix:/path/to/clamd.ctl.
import net from 'node:net';

export type ScanVerdict = { clean: true } | { clean: false; found: string };

export interface ScanSession {
  write(chunk: Buffer): Promise<void>;
  /** Ends the stream and waits for the verdict. */
  verdict(): Promise<ScanVerdict>;
  abort(): void;
}

export interface Scanner {
  start(): Promise<ScanSession>;
}

/** The scanner could not be reached or did not answer: the upload is refused, nothing stored. */
export class ScannerUnavailable extends Error {}

function connectTo(address: string): net.Socket {
  if (address.startsWith('unix:')) return net.createConnection({ path: address.slice('unix:'.length) });
  const url = new URL(address);
  return net.createConnection({ host: url.hostname, port: Number(url.port || 3310) });
}

export function clamdScanner(address: string, timeoutMs = 60_000): Scanner {
  return {
    start: () =>
      new Promise((resolve, reject) => {
        const socket = connectTo(address);
        socket.setTimeout(timeoutMs);
        let reply = '';
        // clamd may answer before the stream ends (it found something early): then more writes are moot.
        let early: ScanVerdict | undefined;
        let settle: ((v: ScanVerdict) => void) | undefined;
        let fail: ((e: Error) => void) | undefined;
        const answered = new Promise<ScanVerdict>((res, rej) => {
          settle = res;
          fail = rej;
        });
        answered.catch(() => undefined);
        socket.on('data', (data) => {
          reply += data.toString('utf8');
          if (!reply.includes('\0')) return;
          const text = reply.slice(0, reply.indexOf('\0')).trim();
          socket.end();
          if (/ OK$/.test(text)) early = { clean: true };
          else if (/ FOUND$/.test(text))
            early = { clean: false, found: text.replace(/^stream: /, '').replace(/ FOUND$/, '') };
          if (early) settle?.(early);
          else fail?.(new ScannerUnavailable(`ClamAV answered: ${text}`));
        });
        socket.on('timeout', () => {
          socket.destroy();
          fail?.(new ScannerUnavailable('ClamAV did not answer in time'));
        });
        socket.on('error', (error) => {
          const unavailable = new ScannerUnavailable(`ClamAV cannot be reached: ${error.message}`);
          fail?.(unavailable);
          reject(unavailable);
        });
        socket.on('close', () =>
          fail?.(new ScannerUnavailable('ClamAV closed the connection without an answer')),
        );
        socket.once('connect', () => {
          socket.write('zINSTREAM\0');
          const send = (buffer: Buffer) =>
            new Promise<void>((done, broke) => {
              if (early) return done();
              if (socket.destroyed) return broke(new ScannerUnavailable('ClamAV closed the connection'));
              socket.write(buffer, (error) =>
                error && !early ? broke(new ScannerUnavailable(error.message)) : done(),
              );
            });
          resolve({
            async write(chunk) {
              const length = Buffer.alloc(4);
              length.writeUInt32BE(chunk.length);
              await send(Buffer.concat([length, chunk]));
            },
            async verdict() {
              await send(Buffer.alloc(4));
              return answered;
            },
            abort: () => socket.destroy(),
          });
        });
      }),
  };
}
