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
  async timed(path: string): Promise<{ ms: number; bytes: number }> {
    const answer = await this.get(path);
    if (answer.status !== 200)
      throw new Error(`GET ${path}: ${answer.status}: ${answer.body.toString('utf8').slice(0, 300)}`);
    return { ms: answer.ms, bytes: answer.body.length };
  }

  /** GETs `path`: whatever the status, with the body, its type and the time to the whole answer. */
  get(path: string): Promise<{ status: number; type: string; body: Buffer; ms: number }> {
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
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              type: String(response.headers['content-type'] ?? ''),
              body: Buffer.concat(chunks),
              ms: performance.now() - start,
            }),
          );
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
