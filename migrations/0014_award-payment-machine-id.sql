-- The payment machine's id was 'payment', the same word as the ledger's payment movement; it is now
-- 'award-payment', so a machine id is never a word the code uses for something else (the lint in
-- scripts/machine-ids.ts finds machine ids written as strings in src/).
UPDATE "cases" SET "machine_id" = 'award-payment' WHERE "machine_id" = 'payment';
