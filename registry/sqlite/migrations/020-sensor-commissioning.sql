-- What ingest saw of each sensor while it was commissioned (core/commissioning.ts), and when its checklist
-- was met. A sensor without a row has seen nothing yet.
CREATE TABLE sensor_commissioning (
  sensor_id TEXT PRIMARY KEY REFERENCES sensor (id),
  first_reading_at INTEGER,
  factors_seen TEXT NOT NULL DEFAULT '{}', -- JSON: factor → epoch ms of its latest valid reading
  run_start INTEGER,
  run_interval_s INTEGER,
  last_reading_at INTEGER,
  kept_interval_s INTEGER, -- the reporting interval an hour of readings kept
  commissioned_at INTEGER -- 0: counted as commissioned since before commissioning was tracked
) WITHOUT ROWID;

-- Sensors registered before commissioning was tracked keep counting as they did when they have reported
-- (their readings are in the reports already) or can never report (no credentials: history written by
-- backfill). Those holding credentials that never sent anything are newly fitted: they are commissioning.
INSERT INTO sensor_commissioning (sensor_id, commissioned_at)
  SELECT id, 0 FROM sensor WHERE last_seen_at IS NOT NULL OR secret_hash IS NULL;
