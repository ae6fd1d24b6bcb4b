-- Custom SQL migration: visit reference numbers come from one Postgres sequence per month instead
-- of a counter row per month. The counter row stayed locked until the reporting transaction
-- ended, so every visit report of the regency waited for the one before it to commit; a sequence
-- hands out numbers without a lock (a report that fails to save leaves its number unused).
-- visit_number_sequence(period) returns the month's sequence, made at its first use, one creator
-- at a time (docs/design.md P12).
CREATE FUNCTION visit_number_sequence(period text) RETURNS regclass
LANGUAGE plpgsql AS $$
DECLARE
  sequence_name text;
BEGIN
  IF period IS NULL OR period !~ '^\d{4}-\d{2}$' THEN
    RAISE EXCEPTION 'not a YYYY-MM period: %', period USING ERRCODE = '22023';
  END IF;
  sequence_name := 'visit_number_' || replace(period, '-', '_');
  IF to_regclass(sequence_name) IS NULL THEN
    -- Held until the transaction ends: a second creator waits, then finds it made. The two-key
    -- form with its own first key (5510018) meets no other lock of the app.
    PERFORM pg_advisory_xact_lock(5510018, hashtext(sequence_name));
    EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', sequence_name);
  END IF;
  RETURN sequence_name::regclass;
END $$;
--> statement-breakpoint
SELECT setval(visit_number_sequence(period), last) FROM visit_sequences WHERE last > 0;
--> statement-breakpoint
DROP TABLE "visit_sequences" CASCADE;
