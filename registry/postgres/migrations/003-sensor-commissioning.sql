-- SQLite's 020-sensor-commissioning.sql (#18): what ingest saw of each sensor while it was commissioned
-- (core/commissioning.ts), and when its checklist was met. A sensor without a row has seen nothing yet.
CREATE TABLE sensor_commissioning (
  sensor_id text COLLATE "C" PRIMARY KEY REFERENCES sensor (id),
  first_reading_at bigint,
  factors_seen jsonb NOT NULL DEFAULT '{}', -- factor → epoch ms of its latest valid reading
  run_start bigint,
  run_interval_s integer,
  last_reading_at bigint,
  kept_interval_s integer, -- the reporting interval an hour of readings kept
  commissioned_at bigint -- 0: counted as commissioned since before commissioning was tracked
);

-- Sensors registered before commissioning was tracked keep counting as they did when they have reported
-- (their readings are in the reports already) or can never report (no credentials: history written by
-- backfill). Those holding credentials that never sent anything are newly fitted: they are commissioning.
INSERT INTO sensor_commissioning (sensor_id, commissioned_at)
  SELECT id, 0 FROM sensor WHERE last_seen_at IS NOT NULL OR secret_hash IS NULL;
