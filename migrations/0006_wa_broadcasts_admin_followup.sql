CREATE TABLE "follow_up_surveys" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "follow_up_surveys_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"enrollment_id" bigint NOT NULL,
	"person_id" bigint NOT NULL,
	"wave" integer NOT NULL,
	"status" text DEFAULT 'planned' NOT NULL,
	"sent_at" timestamp with time zone,
	"consent_given" boolean,
	"business_started" boolean,
	"business_kind" text,
	"channels" text[],
	"orders_last_month" integer,
	"income_bracket" text,
	"joined_uppka" boolean,
	"has_nib" boolean,
	"answered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "training_notices" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "training_notices_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"key" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "training_notices_key_uq" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "admin_login_tokens" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "admin_login_tokens_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"token_hash" text NOT NULL,
	"person_id" bigint NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "admin_sessions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "admin_sessions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"session_hash" text NOT NULL,
	"person_id" bigint,
	"csrf_token" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "admin_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wa_auth" (
	"session_id" text NOT NULL,
	"key" text NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wa_auth_pk" PRIMARY KEY("session_id","key")
);
--> statement-breakpoint
CREATE TABLE "wa_contacts" (
	"chat_id" text PRIMARY KEY NOT NULL,
	"lid" text,
	"phone" text,
	"first_inbound_at" timestamp with time zone NOT NULL,
	"last_inbound_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wa_daily_counts" (
	"session_id" text NOT NULL,
	"day" date NOT NULL,
	"unsolicited" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "wa_daily_counts_pk" PRIMARY KEY("session_id","day")
);
--> statement-breakpoint
CREATE TABLE "wa_sent_messages" (
	"session_id" text NOT NULL,
	"message_id" text NOT NULL,
	"remote_jid" text NOT NULL,
	"message" jsonb NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	CONSTRAINT "wa_sent_messages_pk" PRIMARY KEY("session_id","message_id")
);
--> statement-breakpoint
CREATE TABLE "broadcast_recipients" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "broadcast_recipients_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"broadcast_id" bigint NOT NULL,
	"person_id" bigint NOT NULL,
	"channel" text,
	"outbox_id" bigint,
	"skip_reason" text
);
--> statement-breakpoint
CREATE TABLE "broadcasts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "broadcasts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"author_person_id" bigint,
	"author_source" text NOT NULL,
	"segment" jsonb NOT NULL,
	"scope_code" text,
	"text" text NOT NULL,
	"photo_ref" text,
	"at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"recipients" integer NOT NULL,
	"progress_reported" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"fanned_out_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "nudge_rules" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "nudge_rules_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"code" text NOT NULL,
	"cron" text NOT NULL,
	"segment" jsonb NOT NULL,
	"message_key" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "person_id" bigint;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "skip_reason" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "parts_sent" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "channel_identities" ADD COLUMN "phone" text;--> statement-breakpoint
ALTER TABLE "channel_identities" ADD COLUMN "lid" text;--> statement-breakpoint
ALTER TABLE "channel_identities" ADD COLUMN "unreachable_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "completed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "training_sessions" ADD COLUMN "revision" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "follow_up_surveys" ADD CONSTRAINT "follow_up_surveys_enrollment_id_enrollments_id_fk" FOREIGN KEY ("enrollment_id") REFERENCES "public"."enrollments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_up_surveys" ADD CONSTRAINT "follow_up_surveys_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admin_login_tokens" ADD CONSTRAINT "admin_login_tokens_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admin_sessions" ADD CONSTRAINT "admin_sessions_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "broadcast_recipients" ADD CONSTRAINT "broadcast_recipients_broadcast_id_broadcasts_id_fk" FOREIGN KEY ("broadcast_id") REFERENCES "public"."broadcasts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "broadcast_recipients" ADD CONSTRAINT "broadcast_recipients_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD CONSTRAINT "broadcasts_author_person_id_people_id_fk" FOREIGN KEY ("author_person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "follow_up_surveys_enrollment_wave_uq" ON "follow_up_surveys" USING btree ("enrollment_id","wave");--> statement-breakpoint
CREATE INDEX "follow_up_surveys_person_idx" ON "follow_up_surveys" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "admin_login_tokens_hash_uq" ON "admin_login_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "admin_sessions_hash_uq" ON "admin_sessions" USING btree ("session_hash");--> statement-breakpoint
CREATE INDEX "admin_sessions_expires_idx" ON "admin_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "wa_contacts_lid_uq" ON "wa_contacts" USING btree ("lid");--> statement-breakpoint
CREATE UNIQUE INDEX "wa_contacts_phone_uq" ON "wa_contacts" USING btree ("phone");--> statement-breakpoint
CREATE INDEX "wa_sent_messages_sent_at_idx" ON "wa_sent_messages" USING btree ("sent_at");--> statement-breakpoint
CREATE UNIQUE INDEX "broadcast_recipients_broadcast_person_uq" ON "broadcast_recipients" USING btree ("broadcast_id","person_id");--> statement-breakpoint
CREATE INDEX "broadcast_recipients_outbox_idx" ON "broadcast_recipients" USING btree ("outbox_id");--> statement-breakpoint
CREATE INDEX "broadcasts_status_idx" ON "broadcasts" USING btree ("status","at");--> statement-breakpoint
CREATE UNIQUE INDEX "nudge_rules_code_uq" ON "nudge_rules" USING btree ("code");