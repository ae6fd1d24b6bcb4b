CREATE TABLE "desa_stocks" (
	"desa_code" text NOT NULL,
	"period" text NOT NULL,
	"key" text NOT NULL,
	"value" integer NOT NULL,
	"imported_at" timestamp with time zone NOT NULL,
	CONSTRAINT "desa_stocks_desa_code_key_period_pk" PRIMARY KEY("desa_code","key","period"),
	CONSTRAINT "desa_stocks_value_ck" CHECK ("desa_stocks"."value" >= 0)
);
--> statement-breakpoint
CREATE TABLE "kb_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "kb_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"family_id" bigint NOT NULL,
	"desa_code" text NOT NULL,
	"visit_id" bigint,
	"recorded_by" bigint,
	"event_date" date NOT NULL,
	"period" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"method" text,
	"new_acceptor" boolean DEFAULT false NOT NULL,
	"service_place" text,
	"jkn" boolean,
	"intent" text,
	"corrects_id" bigint,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "kb_events_method_ck" CHECK (("kb_events"."status" = 'ber_kb') = ("kb_events"."method" is not null))
);
--> statement-breakpoint
ALTER TABLE "desa_stocks" ADD CONSTRAINT "desa_stocks_desa_code_regions_code_fk" FOREIGN KEY ("desa_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_events" ADD CONSTRAINT "kb_events_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_events" ADD CONSTRAINT "kb_events_visit_id_visits_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."visits"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_events" ADD CONSTRAINT "kb_events_recorded_by_people_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_events" ADD CONSTRAINT "kb_events_corrects_id_kb_events_id_fk" FOREIGN KEY ("corrects_id") REFERENCES "public"."kb_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "kb_events_family_idx" ON "kb_events" USING btree ("family_id","event_date");--> statement-breakpoint
CREATE INDEX "kb_events_desa_date_idx" ON "kb_events" USING btree ("desa_code","event_date");--> statement-breakpoint
CREATE INDEX "kb_events_corrects_idx" ON "kb_events" USING btree ("corrects_id");--> statement-breakpoint
CREATE INDEX "people_active_supervisor_region_idx" ON "people" USING btree ("region_code","id") WHERE "people"."status" = 'active' and 'supervisor' = any("people"."roles");