-- Custom SQL migration: drizzle-kit cannot express extensions. pg_trgm backs typo-tolerant name
-- search (similarity(), gin_trgm_ops). PGlite loads it via `extensions: { pg_trgm }` in src/db/client.ts.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
