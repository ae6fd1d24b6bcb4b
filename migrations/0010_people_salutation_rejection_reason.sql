ALTER TABLE "people" ADD COLUMN "salutation" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "rejection_reason" text;