CREATE TABLE alert (
  id TEXT PRIMARY KEY,
  facility_id TEXT NOT NULL,
  sensor_id TEXT NOT NULL,
  factor TEXT NOT NULL,
  kind TEXT NOT NULL,
  level TEXT NOT NULL,
  state TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  body TEXT NOT NULL -- the whole alert as JSON; the columns above are what queries filter and sort on
) WITHOUT ROWID;
CREATE INDEX alert_by_facility ON alert (facility_id, opened_at);
CREATE INDEX alert_by_state ON alert (state, opened_at);
