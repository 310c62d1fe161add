-- Ingest owns an alert's facts (level, values, open/cleared); people own its acknowledgement. The two are
-- kept in separate columns so neither write can undo the other.
CREATE TABLE alert (
  id TEXT PRIMARY KEY,
  facility_id TEXT NOT NULL,
  sensor_id TEXT NOT NULL,
  factor TEXT NOT NULL,
  kind TEXT NOT NULL,
  level TEXT NOT NULL,
  cleared INTEGER NOT NULL DEFAULT 0,
  opened_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  body TEXT NOT NULL, -- the alert as ingest last saw it, as JSON
  acknowledged_at INTEGER,
  acknowledged_by TEXT,
  note TEXT
) WITHOUT ROWID;
CREATE INDEX alert_by_facility ON alert (facility_id, opened_at);
CREATE INDEX alert_by_opened ON alert (opened_at);
