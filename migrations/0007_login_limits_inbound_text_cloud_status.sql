CREATE TABLE "login_failures" (
	"key" text PRIMARY KEY NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"failures" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD COLUMN "text" text;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD COLUMN "text_redacted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD COLUMN "throttled_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "inbound_messages_text_received_idx" ON "inbound_messages" USING btree ("received_at") WHERE "inbound_messages"."text" is not null;--> statement-breakpoint
CREATE INDEX "outbox_platform_message_idx" ON "outbox" USING btree ("channel","platform_message_id");