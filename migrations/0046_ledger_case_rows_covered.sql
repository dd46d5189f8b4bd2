-- The board report's awards made read each case's ledger rows twice (was it first committed before the
-- quarter; what is the award worth at its end): about half a second at a million cases, fetching every
-- row from the table. The case index now carries the columns those reads need.
DROP INDEX "fund_ledger_case_idx";--> statement-breakpoint
CREATE INDEX "fund_ledger_case_idx" ON "fund_ledger" USING btree ("case_id","movement","effective_on","cause","amount_pence");