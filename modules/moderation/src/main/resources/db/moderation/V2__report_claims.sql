-- Resolving a report first claims it (status 'resolving'), so two moderators resolving the same
-- target at once cannot both carry out their action: the second finds nothing open to claim. A claim
-- older than the claim timeout (a resolver that died between claiming and closing) counts as open.
DO $$
DECLARE n text;
BEGIN
  FOR n IN SELECT conname FROM pg_constraint
           WHERE conrelid = 'moderation.reports'::regclass AND contype = 'c'
             AND pg_get_constraintdef(oid) LIKE '%status%' LOOP
    EXECUTE format('ALTER TABLE moderation.reports DROP CONSTRAINT %I', n);
  END LOOP;
END
$$;

ALTER TABLE reports ADD COLUMN claimed_at timestamptz;
ALTER TABLE reports ADD CONSTRAINT reports_status_known CHECK (status IN ('open', 'resolving', 'resolved'));
ALTER TABLE reports ADD CONSTRAINT reports_resolved_has_time CHECK ((status = 'resolved') = (resolved_at IS NOT NULL));
ALTER TABLE reports ADD CONSTRAINT reports_claim_has_time CHECK ((status = 'resolving') = (claimed_at IS NOT NULL));
