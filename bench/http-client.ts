// A minimal JSON-over-HTTP client on node:http with a keep-alive agent of its own: one client is
// one connection, reused, as a long-running integration would hold it. Lighter than fetch, so
// the load generator takes less of the CPU the app shares with it.
import http from 'node:http';

export interface JsonAnswer {
  status: number;
  /** The raw body; parse it only when needed, so the load loop spends little time here. */
  text: string;
}

export class JsonClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly url: URL;

  constructor(
    baseUrl: string,
    private readonly token: string,
  ) {
    this.url = new URL(baseUrl);
  }

  post(path: string, body: unknown): Promise<JsonAnswer> {
    const data = Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          method: 'POST',
          path,
          headers: {
            Authorization: `Bearer ${this.token}`,
            'Content-Type': 'application/json',
            'Content-Length': data.length,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(data);
    });
  }

  /** POSTs and insists on one status; anything else throws with the answer's start. */
  async expect(status: number, path: string, body: unknown): Promise<JsonAnswer> {
    const answer = await this.post(path, body);
    if (answer.status !== status) {
      throw new Error(`POST ${path}: expected ${status}, got ${answer.status}: ${answer.text.slice(0, 300)}`);
    }
    return answer;
  }

  close(): void {
    this.agent.destroy();
  }
}
