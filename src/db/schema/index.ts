export * from './cases.ts';
export * from './idempotency.ts';
export * from './organisations.ts';
export * from './outbox.ts';
export * from './users.ts';
