// The one reader of process.env. Parsed with zod so a bad setting stops start-up with a clear message.

import path from 'node:path';
import { z } from 'zod';
import type { S3Settings } from './domain/documents/store.ts';
import { type OpenDataSettings, openDataSettings } from './domain/open-data/settings.ts';
import type { RetentionSettings } from './domain/retention.ts';
import { DEFAULT_TOKEN_CACHE_SECONDS } from './domain/token-cache.ts';

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** A PostgreSQL URL. Unset: an embedded PostgreSQL keeps its data under DATA_DIR/pg. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().default('.data'),
  /** Port of the embedded PostgreSQL (only used when DATABASE_URL is unset). */
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  /**
   * Seed the demo organisations and users into an empty database. Unset: only with the embedded
   * database (a demo on a laptop), never with DATABASE_URL (a real one).
   */
  SEED_DEMO_DATA: z.enum(['true', 'false']).optional(),
  /** `production` refuses to start on a database holding the demo users (unless SEED_DEMO_DATA=true). */
  NODE_ENV: z.string().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** The bearer token /metrics asks for. Unset: there is no /metrics. */
  METRICS_TOKEN: z.string().min(20, 'must be at least 20 characters (a long random string)').optional(),
  /** Where people reach the service; links in email point here. */
  PUBLIC_URL: z.url({ error: 'must be a URL such as https://grants.example.org' }).optional(),
  /** smtp:// or smtps:// URL of the mail server. Unset: messages are written as .eml files under DATA_DIR/mail. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('OPCC Commissioning <commissioning@opcc.example>'),
  /** Where people write about the service (accessibility, privacy); unset: MAIL_FROM's address. */
  CONTACT_EMAIL: z.email({ error: 'must be an email address' }).optional(),
  /** Run the timer and email worker inside `npm start` (set false when running `npm run worker` separately). */
  RUN_WORKER: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  WORKER_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** How long a web sign-in lasts. */
  SESSION_HOURS: z.coerce.number().min(0.25).max(24).default(8),
  /** Failed sign-ins allowed from one source address in 15 minutes (an office shares one address). */
  SIGN_IN_ATTEMPTS_PER_ADDRESS: z.coerce.number().int().min(10).max(100_000).default(100),
  /** How long the API remembers whose a bearer token is; a token revoked by another process works here that long. */
  API_TOKEN_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(DEFAULT_TOKEN_CACHE_SECONDS),
  /** Behind a TLS-terminating proxy: trust its X-Forwarded-Proto so cookies are marked Secure. */
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /**
   * Staff sign-in through the Office's identity provider (OpenID Connect): its issuer URL, and this
   * service's client id and secret there. All three, or none. The redirect URI to register is
   * PUBLIC_URL/sign-in/staff/callback.
   */
  OIDC_ISSUER: z.url({ error: 'must be the identity provider’s issuer URL' }).optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** `false` (with OIDC set): staff may sign in only through the identity provider, not with a password. */
  STAFF_PASSWORD_SIGN_IN: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /** Months after an account is deactivated (or an unused invitation made) before its personal data goes. */
  RETAIN_ACCOUNT_MONTHS: z.coerce.number().int().min(1).max(240).default(24),
  /** Days an email's addresses and words are kept once sent (or given up on). */
  RETAIN_EMAIL_DAYS: z.coerce.number().int().min(7).max(3650).default(365),
  /** Years the records of commissioning and money, with who acted on them, are kept after the last act. */
  RETAIN_RECORDS_YEARS: z.coerce.number().int().min(1).max(30).default(7),
  /** The largest file an upload may be, in bytes: 20 MB unless set. */
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(20 * 1024 * 1024),
  /** ClamAV's daemon, to scan uploads: tcp://host:port or unix:/path/to/clamd.ctl. Unset: not scanned. */
  CLAMAV_ADDRESS: z
    .string()
    .regex(/^(tcp:\/\/[^/\s]+:\d+|unix:\/\S+)$/, { error: 'must be tcp://host:port or unix:/path/to/socket' })
    .optional(),
  /** Where uploaded files' bytes are kept: `postgres` (the default), or `s3` with the S3_* settings. */
  DOCUMENT_STORE: z.enum(['postgres', 's3']).default('postgres'),
  S3_ENDPOINT: z
    .url({ error: 'must be the S3 service’s URL, such as https://s3.eu-west-2.amazonaws.com' })
    .optional(),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_REGION: z.string().min(1).default('eu-west-2'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The publisher's 360Giving prefix, without `360G-`: grant ids are 360G-<prefix>-<case reference>. */
  OPEN_DATA_PREFIX: z
    .string()
    .regex(/^(?!360G-)[A-Za-z0-9][A-Za-z0-9-]{0,59}$/i, 'must be letters, digits and dashes, without 360G-')
    .optional(),
  /** The funder's organisation identifier in published grants. */
  OPEN_DATA_FUNDER_ID: z
    .string()
    .regex(/^\S{3,200}$/, 'must be an identifier with no spaces')
    .optional(),
  OPEN_DATA_FUNDER_NAME: z.string().trim().min(1).max(200).optional(),
  /** Where published grants benefit people. */
  OPEN_DATA_BENEFICIARY_LOCATION: z.string().trim().min(1).max(200).optional(),
});

/** The identity provider staff may sign in through, and this service's client there. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends people back: PUBLIC_URL/sign-in/staff/callback. */
  redirectUri: string;
}

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPgPort: number;
  seedDemoData: boolean;
  /** In production, a database holding the demo users stops start-up unless demo data was asked for. */
  refuseDemoUsers: boolean;
  databasePoolSize: number;
  /** The token /metrics asks for; null: no /metrics. */
  metricsToken: string | null;
  publicUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  contactEmail: string;
  runWorker: boolean;
  workerPollMs: number;
  sessionHours: number;
  signInAttemptsPerAddress: number;
  tokenCacheSeconds: number;
  trustProxy: boolean;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  uploads: { maxBytes: number; clamavAddress: string | null; s3: S3Settings | null };
  openData: OpenDataSettings;
  oidc: OidcSettings | null;
  staffPasswordSignIn: boolean;
  retention: RetentionSettings;
};

/** The bucket, when DOCUMENT_STORE is s3: every S3_* setting it needs, or a clear refusal. */
function s3Settings(e: z.infer<typeof schema>): S3Settings | null {
  if (e.DOCUMENT_STORE !== 's3') return null;
  const missing = ['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'].filter(
    (name) => !e[name as keyof typeof e],
  );
  if (missing.length)
    throw new Error(
      `Invalid configuration in the environment:\n  DOCUMENT_STORE=s3 needs ${missing.join(', ')}`,
    );
  return {
    endpoint: e.S3_ENDPOINT!,
    bucket: e.S3_BUCKET!,
    region: e.S3_REGION,
    accessKeyId: e.S3_ACCESS_KEY_ID!,
    secretAccessKey: e.S3_SECRET_ACCESS_KEY!,
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration in the environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const oidcParts = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET];
  if (oidcParts.some(Boolean) && !oidcParts.every(Boolean))
    throw new Error(
      'Invalid configuration in the environment:\n  OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET: set all three, or none',
    );
  if (!e.STAFF_PASSWORD_SIGN_IN && !e.OIDC_ISSUER)
    throw new Error(
      'Invalid configuration in the environment:\n  STAFF_PASSWORD_SIGN_IN: staff need a way in: set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET to turn password sign-in off',
    );
  if (e.NODE_ENV === 'production' && !e.DATABASE_URL)
    throw new Error(
      'Invalid configuration in the environment:\n  DATABASE_URL: required in production (NODE_ENV=production). ' +
        'The embedded PostgreSQL is for trying the service on one machine; set DATABASE_URL to your ' +
        'PostgreSQL server, e.g. postgres://opcc:password@db.internal:5432/opcc',
    );
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    seedDemoData: e.SEED_DEMO_DATA === undefined ? e.DATABASE_URL === undefined : e.SEED_DEMO_DATA === 'true',
    refuseDemoUsers: e.NODE_ENV === 'production' && e.SEED_DEMO_DATA !== 'true',
    databasePoolSize: e.DATABASE_POOL_SIZE,
    metricsToken: e.METRICS_TOKEN ?? null,
    publicUrl,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    contactEmail: e.CONTACT_EMAIL ?? /<([^>]+)>/.exec(e.MAIL_FROM)?.[1] ?? e.MAIL_FROM,
    runWorker: e.RUN_WORKER,
    workerPollMs: e.WORKER_POLL_MS,
    sessionHours: e.SESSION_HOURS,
    signInAttemptsPerAddress: e.SIGN_IN_ATTEMPTS_PER_ADDRESS,
    tokenCacheSeconds: e.API_TOKEN_CACHE_SECONDS,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    uploads: { maxBytes: e.UPLOAD_MAX_BYTES, clamavAddress: e.CLAMAV_ADDRESS ?? null, s3: s3Settings(e) },
    openData: openDataSettings({
      prefix: e.OPEN_DATA_PREFIX,
      funderId: e.OPEN_DATA_FUNDER_ID,
      funderName: e.OPEN_DATA_FUNDER_NAME,
      beneficiaryLocation: e.OPEN_DATA_BENEFICIARY_LOCATION,
    }),
    oidc:
      e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
        ? {
            issuer: e.OIDC_ISSUER,
            clientId: e.OIDC_CLIENT_ID,
            clientSecret: e.OIDC_CLIENT_SECRET,
            redirectUri: `${publicUrl}/sign-in/staff/callback`,
          }
        : null,
    staffPasswordSignIn: e.STAFF_PASSWORD_SIGN_IN,
    retention: {
      accountMonths: e.RETAIN_ACCOUNT_MONTHS,
      emailDays: e.RETAIN_EMAIL_DAYS,
      recordsYears: e.RETAIN_RECORDS_YEARS,
    },
  };
}
