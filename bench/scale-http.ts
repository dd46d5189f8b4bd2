// GETs over one kept-alive connection, with a bearer token or a web session cookie, timed.
import http from 'node:http';

export class GetClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly url: URL;

  constructor(
    baseUrl: string,
    private readonly headers: Record<string, string>,
  ) {
    this.url = new URL(baseUrl);
  }

  /** GETs `path`, insists on 200 and returns the time to the whole answer in milliseconds. */
  timed(path: string): Promise<{ ms: number; bytes: number }> {
    const start = performance.now();
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          method: 'GET',
          path,
          headers: this.headers,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const body = Buffer.concat(chunks);
            if (response.statusCode !== 200) {
              reject(
                new Error(`GET ${path}: ${response.statusCode}: ${body.toString('utf8').slice(0, 300)}`),
              );
              return;
            }
            resolve({ ms: performance.now() - start, bytes: body.length });
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
