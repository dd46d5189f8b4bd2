// Scrapes the app's /metrics while a benchmark runs, as Prometheus would (every two seconds), so
// the figures include what keeping the metrics costs; fails loudly if the endpoint stops answering.
import http from 'node:http';

export class MetricsScraper {
  private readonly timer: NodeJS.Timeout;
  private scrapes = 0;
  private failures = 0;
  private lastBytes = 0;
  private firstError: string | undefined;
  /** The largest each of these reached in any scrape: where the app's memory went under load. */
  private readonly peaks: Record<string, number> = {};

  constructor(baseUrl: string, token: string, everyMs = 2000) {
    const url = new URL('/metrics', baseUrl);
    const scrape = () => {
      const request = http.get(url, { headers: { Authorization: `Bearer ${token}` } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          if (response.statusCode === 200) {
            this.scrapes++;
            const text = Buffer.concat(chunks).toString('utf8');
            this.lastBytes = text.length;
            this.notePeaks(text);
          } else this.fail(`GET /metrics answered ${response.statusCode}`);
        });
      });
      request.on('error', (error) => this.fail(error.message));
    };
    scrape();
    this.timer = setInterval(scrape, everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  summary() {
    const peakMB = Object.fromEntries(
      Object.entries(this.peaks).map(([name, bytes]) => [name, Math.round(bytes / 1024 / 102.4) / 10]),
    );
    return {
      scrapes: this.scrapes,
      failures: this.failures,
      lastBytes: this.lastBytes,
      firstError: this.firstError,
      peakMB,
    };
  }

  private notePeaks(text: string): void {
    const watched: Record<string, RegExp> = {
      heapNew: /^nodejs_heap_space_size_used_bytes\{space="new"\} (\d+)/m,
      heapOld: /^nodejs_heap_space_size_used_bytes\{space="old"\} (\d+)/m,
      heapLargeObjects: /^nodejs_heap_space_size_used_bytes\{space="large_object"\} (\d+)/m,
      heapTotal: /^nodejs_heap_size_total_bytes (\d+)/m,
      external: /^nodejs_external_memory_bytes (\d+)/m,
    };
    for (const [name, pattern] of Object.entries(watched)) {
      const value = Number(pattern.exec(text)?.[1]);
      if (Number.isFinite(value)) this.peaks[name] = Math.max(this.peaks[name] ?? 0, value);
    }
  }

  private fail(message: string): void {
    this.failures++;
    this.firstError ??= message;
  }
}
