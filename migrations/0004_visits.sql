CREATE TABLE "families" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "families_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"head_name" text NOT NULL,
	"desa_code" text NOT NULL,
	"dusun_rw_rt" text,
	"krs" boolean DEFAULT false NOT NULL,
	"consented_at" timestamp with time zone,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referrals" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "referrals_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"visit_id" bigint NOT NULL,
	"family_id" bigint NOT NULL,
	"cadre_id" bigint NOT NULL,
	"desa_code" text NOT NULL,
	"target" text NOT NULL,
	"reason" text NOT NULL,
	"follow_up_date" date NOT NULL,
	"status" text DEFAULT 'belum' NOT NULL,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "visit_sequences" (
	"period" text PRIMARY KEY NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "visits" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "visits_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"reference" text NOT NULL,
	"cadre_id" bigint NOT NULL,
	"family_id" bigint NOT NULL,
	"desa_code" text NOT NULL,
	"visit_date" date NOT NULL,
	"period" text NOT NULL,
	"sasaran" text[] NOT NULL,
	"kb_status" text,
	"kb_method" text,
	"kb_intent" text,
	"risk_4t" text[] DEFAULT '{}' NOT NULL,
	"env_risks" text[] DEFAULT '{}' NOT NULL,
	"lila" double precision,
	"hb" double precision,
	"actions" text[] NOT NULL,
	"note" text,
	"photo_ref" text,
	"lat" double precision,
	"lng" double precision,
	"duplicate_of" bigint,
	"status" text DEFAULT 'submitted' NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "families" ADD CONSTRAINT "families_desa_code_regions_code_fk" FOREIGN KEY ("desa_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "families" ADD CONSTRAINT "families_created_by_people_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_visit_id_visits_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."visits"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_cadre_id_people_id_fk" FOREIGN KEY ("cadre_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_cadre_id_people_id_fk" FOREIGN KEY ("cadre_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "families_desa_idx" ON "families" USING btree ("desa_code");--> statement-breakpoint
CREATE INDEX "families_head_name_trgm_idx" ON "families" USING gin ("head_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "referrals_cadre_idx" ON "referrals" USING btree ("cadre_id","status");--> statement-breakpoint
CREATE INDEX "referrals_desa_idx" ON "referrals" USING btree ("desa_code","status","follow_up_date");--> statement-breakpoint
CREATE UNIQUE INDEX "visits_reference_uq" ON "visits" USING btree ("reference");--> statement-breakpoint
CREATE INDEX "visits_cadre_period_idx" ON "visits" USING btree ("cadre_id","period");--> statement-breakpoint
CREATE INDEX "visits_desa_period_idx" ON "visits" USING btree ("desa_code","period");--> statement-breakpoint
CREATE INDEX "visits_family_idx" ON "visits" USING btree ("family_id","visit_date");