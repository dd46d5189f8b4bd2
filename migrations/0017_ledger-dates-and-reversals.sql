ALTER TABLE "fund_ledger" DROP CONSTRAINT "fund_ledger_amount_positive";--> statement-breakpoint
DROP INDEX "fund_ledger_movement_at_idx";--> statement-breakpoint
ALTER TABLE "fund_ledger" ADD COLUMN "effective_on" date;--> statement-breakpoint
ALTER TABLE "fund_ledger" ADD COLUMN "reference" text;--> statement-breakpoint
ALTER TABLE "fund_ledger" ADD COLUMN "reverses_id" bigint;--> statement-breakpoint
-- Rows already written take their day from the payment or return they belong to (the day paid, the
-- day received) and otherwise the London day they were recorded. The append-only trigger stands
-- aside for this one fill of new columns, inside the migration's transaction.
ALTER TABLE "fund_ledger" DISABLE TRIGGER "fund_ledger_append_only";--> statement-breakpoint
UPDATE "fund_ledger" l SET
  "effective_on" = coalesce(
    CASE l."movement"
      WHEN 'payment' THEN (SELECT (c."snapshot" #>> '{context,paid,paidOn}')::date FROM "cases" c WHERE c."id" = l."payment_case_id")
      WHEN 'repayment' THEN (SELECT (c."snapshot" #>> '{context,returned,receivedOn}')::date FROM "cases" c WHERE c."id" = l."payment_case_id")
    END,
    (l."at" AT TIME ZONE 'Europe/London')::date),
  "reference" = CASE l."movement"
      WHEN 'payment' THEN (SELECT c."snapshot" #>> '{context,paid,reference}' FROM "cases" c WHERE c."id" = l."payment_case_id")
      WHEN 'repayment' THEN (SELECT c."snapshot" #>> '{context,returned,reference}' FROM "cases" c WHERE c."id" = l."payment_case_id")
    END;--> statement-breakpoint
ALTER TABLE "fund_ledger" ENABLE TRIGGER "fund_ledger_append_only";--> statement-breakpoint
ALTER TABLE "fund_ledger" ALTER COLUMN "effective_on" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "fund_ledger" ADD CONSTRAINT "fund_ledger_reverses_id_fund_ledger_id_fk" FOREIGN KEY ("reverses_id") REFERENCES "public"."fund_ledger"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "fund_ledger_reverses_key" ON "fund_ledger" USING btree ("reverses_id");--> statement-breakpoint
CREATE INDEX "fund_ledger_movement_effective_idx" ON "fund_ledger" USING btree ("movement","effective_on");--> statement-breakpoint
ALTER TABLE "fund_ledger" ADD CONSTRAINT "fund_ledger_amount_sign" CHECK (("fund_ledger"."reverses_id" is null and "fund_ledger"."amount_pence" > 0) or ("fund_ledger"."reverses_id" is not null and "fund_ledger"."amount_pence" < 0));--> statement-breakpoint
-- A row written without its effective day (SQL written by hand, a bulk load) takes the London day it
-- was recorded, as the application does for every row but payments and repayments. A reversal undoes
-- exactly the row it names: the same fund, stream, case, payment, movement and cause, with the amount
-- negated; a reversal is never itself reversed (and the unique index allows one for each row).
CREATE FUNCTION fund_ledger_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  original fund_ledger%ROWTYPE;
BEGIN
  IF NEW.effective_on IS NULL THEN
    NEW.effective_on := (NEW.at AT TIME ZONE 'Europe/London')::date;
  END IF;
  IF NEW.reverses_id IS NULL THEN
    RETURN NEW;
  END IF;
  SELECT * INTO original FROM fund_ledger WHERE id = NEW.reverses_id;
  IF NOT FOUND OR original.reverses_id IS NOT NULL
     OR original.fund_id <> NEW.fund_id
     OR original.stream_id IS DISTINCT FROM NEW.stream_id
     OR original.case_id IS DISTINCT FROM NEW.case_id
     OR original.payment_case_id IS DISTINCT FROM NEW.payment_case_id
     OR original.movement <> NEW.movement
     OR original.cause <> NEW.cause
     OR original.amount_pence <> -NEW.amount_pence THEN
    RAISE EXCEPTION 'fund_ledger row does not reverse row % exactly', NEW.reverses_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER fund_ledger_on_insert
  BEFORE INSERT ON fund_ledger
  FOR EACH ROW EXECUTE FUNCTION fund_ledger_on_insert();
