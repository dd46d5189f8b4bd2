DROP INDEX "fund_ledger_fund_idx";--> statement-breakpoint
DROP INDEX "cases_machine_state_seq_idx";--> statement-breakpoint
DROP INDEX "cases_organisation_seq_idx";--> statement-breakpoint
DROP INDEX "cases_programme_seq_idx";--> statement-breakpoint
ALTER TABLE "fund_ledger" ADD COLUMN "programme_id" uuid;--> statement-breakpoint
ALTER TABLE "fund_ledger" ADD CONSTRAINT "fund_ledger_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Rows written before this migration take their case's programme. The ledger refuses updates (0003);
-- this one adds no money and changes none, so the refusal is lifted for it alone, inside the
-- migration's transaction. Before the new indexes, so the update does not maintain them.
ALTER TABLE "fund_ledger" DISABLE TRIGGER "fund_ledger_append_only";--> statement-breakpoint
UPDATE "fund_ledger" l SET "programme_id" = c."programme_id"
  FROM "cases" c WHERE c."id" = l."case_id" AND l."programme_id" IS NULL AND c."programme_id" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "fund_ledger" ENABLE TRIGGER "fund_ledger_append_only";--> statement-breakpoint
CREATE INDEX "fund_ledger_fund_sums_idx" ON "fund_ledger" USING btree ("fund_id","programme_id","stream_id","movement","cause","amount_pence");--> statement-breakpoint
CREATE INDEX "cases_machine_state_seq_idx" ON "cases" USING btree ("machine_id","state","seq" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "cases_organisation_seq_idx" ON "cases" USING btree ("organisation_id","seq" DESC NULLS FIRST,"machine_id","state");--> statement-breakpoint
CREATE INDEX "cases_programme_seq_idx" ON "cases" USING btree ("programme_id","seq" DESC NULLS FIRST);--> statement-breakpoint
-- A ledger row's programme is always its case's: filled in when a writer leaves it out (SQL written
-- by hand, the catch-up insert in 0007), and a row naming another programme is refused, so the
-- reports' grouping by programme can never drift from the cases.
CREATE FUNCTION fund_ledger_programme_of_case() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  case_programme uuid;
BEGIN
  IF NEW.case_id IS NULL THEN
    RETURN NEW;
  END IF;
  SELECT programme_id INTO case_programme FROM cases WHERE id = NEW.case_id;
  IF NEW.programme_id IS NULL THEN
    NEW.programme_id := case_programme;
  ELSIF NEW.programme_id IS DISTINCT FROM case_programme THEN
    RAISE EXCEPTION 'fund_ledger row names programme %, but its case % is under programme %',
      NEW.programme_id, NEW.case_id, coalesce(case_programme::text, 'none')
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER fund_ledger_programme
  BEFORE INSERT ON fund_ledger
  FOR EACH ROW EXECUTE FUNCTION fund_ledger_programme_of_case();
