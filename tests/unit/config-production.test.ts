// Production settings: with NODE_ENV=production the embedded PostgreSQL is never started (a
// DATABASE_URL is required, said plainly), demo users stop start-up unless demo data is asked for,
// and the metrics token is long enough to be a secret.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

const DATABASE_URL = 'postgres://opcc@db.internal:5432/opcc';

describe('production settings', () => {
  it('need a PostgreSQL server: the embedded one is never started in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /DATABASE_URL: required in production \(NODE_ENV=production\)/,
    );
    const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL });
    expect(config.databaseUrl).toBe(DATABASE_URL);
    // Without NODE_ENV=production, the embedded server is the default.
    expect(loadConfig({}).databaseUrl).toBeUndefined();
  });

  it('refuse the demo users unless demo data is asked for, and seed none unless asked', () => {
    const production = loadConfig({ NODE_ENV: 'production', DATABASE_URL });
    expect(production.refuseDemoUsers).toBe(true);
    expect(production.seedDemoData).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL, SEED_DEMO_DATA: 'true' }).refuseDemoUsers).toBe(
      false,
    );
  });

  it('take a metrics token only long enough to be a secret', () => {
    expect(loadConfig({}).metricsToken).toBeNull();
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(
      /METRICS_TOKEN: must be at least 20 characters/,
    );
    expect(loadConfig({ METRICS_TOKEN: 'x'.repeat(32) }).metricsToken).toBe('x'.repeat(32));
  });
});
