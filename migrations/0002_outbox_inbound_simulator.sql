CREATE TABLE "simulator_inbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "simulator_inbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"recipient_id" text NOT NULL,
	"message" jsonb NOT NULL,
	"delivered_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "inbound_id" bigint;--> statement-breakpoint
CREATE INDEX "simulator_inbox_recipient_idx" ON "simulator_inbox" USING btree ("recipient_id","id");--> statement-breakpoint
CREATE INDEX "outbox_inbound_idx" ON "outbox" USING btree ("inbound_id");