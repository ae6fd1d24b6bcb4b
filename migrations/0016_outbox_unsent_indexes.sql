DROP INDEX "outbox_claim_idx";--> statement-breakpoint
CREATE INDEX "outbox_unsent_idx" ON "outbox" USING btree ("channel","priority","id") WHERE "outbox"."status" in ('queued', 'sending');--> statement-breakpoint
CREATE INDEX "outbox_unsent_recipient_idx" ON "outbox" USING btree ("channel","recipient_id","id") WHERE "outbox"."status" in ('queued', 'sending');