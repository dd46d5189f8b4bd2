-- Money movements are facts: the ledger takes new rows only, so a fund's position can always be
-- re-derived and audited. Corrections are new rows (a release against a commit), never edits.
CREATE FUNCTION fund_ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'fund_ledger rows cannot be changed or deleted; record a new movement instead'
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER fund_ledger_append_only
  BEFORE UPDATE OR DELETE ON fund_ledger
  FOR EACH ROW EXECUTE FUNCTION fund_ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER fund_ledger_no_truncate
  BEFORE TRUNCATE ON fund_ledger
  FOR EACH STATEMENT EXECUTE FUNCTION fund_ledger_refuse_change();
