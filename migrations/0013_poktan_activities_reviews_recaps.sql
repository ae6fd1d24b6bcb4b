CREATE TABLE "poktan_activities" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "poktan_activities_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"cadre_id" bigint NOT NULL,
	"desa_code" text NOT NULL,
	"kind" text NOT NULL,
	"activity_date" date NOT NULL,
	"period" text NOT NULL,
	"attendees" integer NOT NULL,
	"pus" integer NOT NULL,
	"kb_users" integer NOT NULL,
	"photo_ref" text,
	"note" text,
	"state" text DEFAULT 'submitted' NOT NULL,
	"corrects_id" bigint,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recap_signatures" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "recap_signatures_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"level" text NOT NULL,
	"region_code" text NOT NULL,
	"period" text NOT NULL,
	"version" integer NOT NULL,
	"template_version" text NOT NULL,
	"figures" jsonb NOT NULL,
	"verification_code" text NOT NULL,
	"signed_by" bigint NOT NULL,
	"signed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_reviews" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "report_reviews_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"report_kind" text NOT NULL,
	"report_id" bigint NOT NULL,
	"decision" text NOT NULL,
	"reason" text,
	"reviewer_id" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "poktan_activities" ADD CONSTRAINT "poktan_activities_cadre_id_people_id_fk" FOREIGN KEY ("cadre_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poktan_activities" ADD CONSTRAINT "poktan_activities_desa_code_regions_code_fk" FOREIGN KEY ("desa_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recap_signatures" ADD CONSTRAINT "recap_signatures_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recap_signatures" ADD CONSTRAINT "recap_signatures_signed_by_people_id_fk" FOREIGN KEY ("signed_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_reviews" ADD CONSTRAINT "report_reviews_reviewer_id_people_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "poktan_activities_desa_period_idx" ON "poktan_activities" USING btree ("desa_code","period");--> statement-breakpoint
CREATE INDEX "poktan_activities_cadre_period_idx" ON "poktan_activities" USING btree ("cadre_id","period");--> statement-breakpoint
CREATE UNIQUE INDEX "recap_signatures_version_uq" ON "recap_signatures" USING btree ("region_code","period","version");--> statement-breakpoint
CREATE UNIQUE INDEX "recap_signatures_code_uq" ON "recap_signatures" USING btree ("verification_code");--> statement-breakpoint
CREATE INDEX "report_reviews_report_idx" ON "report_reviews" USING btree ("report_kind","report_id","created_at");