ALTER TABLE "outbox" ALTER COLUMN "channel" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ALTER COLUMN "recipient_id" DROP NOT NULL;--> statement-breakpoint
CREATE INDEX "outbox_waiting_idx" ON "outbox" USING btree ("person_id","id") WHERE "outbox"."status" = 'waiting';--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_addressed_ck" CHECK (case when "outbox"."status" = 'waiting'
        then "outbox"."person_id" is not null and "outbox"."channel" is null and "outbox"."recipient_id" is null
        else "outbox"."channel" is not null and "outbox"."recipient_id" is not null end);