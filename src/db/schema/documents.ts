import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { cases } from './cases.ts';
import { organisations } from './organisations.ts';
import { users } from './users.ts';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * A file someone uploaded: its sanitised name, the type its content showed, its size and digest, and
 * where its bytes are (`postgres`: the rows of document_chunks). Only a file that passed every check
 * (and, where ClamAV is configured, its scan) is ever written.
 */
export const documents = pgTable(
  'documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    /** Whether ClamAV scanned it clean; false where no scanner was configured. */
    scanned: boolean('scanned').notNull(),
    store: text('store').notNull(),
    /** The organisation it belongs to; and the case it was given for, if any (a bid's answer, evidence). */
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    caseId: uuid('case_id').references(() => cases.id),
    uploadedBy: uuid('uploaded_by').references(() => users.id),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('documents_case_idx').on(t.caseId),
    check('documents_size_positive', sql`${t.sizeBytes} > 0`),
  ],
);

/** A document's bytes in PostgreSQL, in order, a chunk a row: written and read a chunk at a time. */
export const documentChunks = pgTable(
  'document_chunks',
  {
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id),
    seq: integer('seq').notNull(),
    bytes: bytea('bytes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.documentId, t.seq] })],
);

/**
 * The documents on an organisation's profile, each of a kind (its governing document, accounts,
 * safeguarding policy, insurance) with the date it runs out. Rows are only added: the latest of a kind
 * is the one that counts, and the earlier ones stay as the record of what was checked when.
 */
export const organisationDocuments = pgTable(
  'organisation_documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    kind: text('kind').notNull(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id),
    expiresOn: date('expires_on').notNull(),
    addedBy: uuid('added_by').references(() => users.id),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('organisation_documents_organisation_idx').on(t.organisationId, t.kind, t.addedAt)],
);

/**
 * Documents kept on a case: the signed agreement, evidence for a return or a claim. Each with what it
 * is, in the words of whoever added it. Rows are only added.
 */
export const caseDocuments = pgTable(
  'case_documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id),
    description: text('description').notNull(),
    addedBy: uuid('added_by').references(() => users.id),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('case_documents_case_idx').on(t.caseId, t.addedAt)],
);
