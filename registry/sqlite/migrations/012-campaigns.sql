-- Periodic working-environment monitoring campaigns (core/campaigns.ts): recorded by the monitoring
-- organisation, counted in the period that holds their last day (counts_at, epoch ms).
CREATE TABLE campaign (
  id TEXT PRIMARY KEY,
  facility_id TEXT NOT NULL REFERENCES facility (id),
  organisation_id TEXT NOT NULL REFERENCES organisation (id),
  declaration_reference TEXT NOT NULL,
  declaration_published_by TEXT NOT NULL,
  declaration_published_on TEXT,
  started_on TEXT NOT NULL, -- YYYY-MM-DD, Vietnam time
  ended_on TEXT NOT NULL,
  counts_at INTEGER NOT NULL, -- the start of ended_on, Vietnam time
  recorded_at INTEGER NOT NULL,
  recorded_by TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX campaign_by_facility ON campaign (facility_id, counts_at);
CREATE INDEX campaign_by_counts_at ON campaign (counts_at);

CREATE TABLE campaign_measurement (
  campaign_id TEXT NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  line INTEGER NOT NULL,
  zone_id TEXT NOT NULL REFERENCES zone (id),
  position TEXT,
  factor TEXT NOT NULL,
  substance TEXT,
  samples INTEGER NOT NULL CHECK (samples >= 0),
  samples_over_limit INTEGER NOT NULL CHECK (samples_over_limit >= 0 AND samples_over_limit <= samples),
  measured_values TEXT, -- JSON array of numbers, one per sample, in unit
  unit TEXT,
  PRIMARY KEY (campaign_id, line)
) WITHOUT ROWID;
