-- A reading is identified by its sensor, factor and time, as InfluxDB identifies a point by series and time.
-- Ingest delivers at least once: a message the broker sends again after a crash or a lost acknowledgement
-- must not be stored twice. The table constraint ignores the repeat, so every INSERT is idempotent.
CREATE TABLE reading_unique (
  time INTEGER NOT NULL,
  facility TEXT NOT NULL,
  sensor TEXT NOT NULL,
  factor TEXT NOT NULL,
  value REAL NOT NULL,
  UNIQUE (sensor, factor, time) ON CONFLICT IGNORE
);
INSERT INTO reading_unique (time, facility, sensor, factor, value)
  SELECT time, facility, sensor, factor, value FROM reading ORDER BY rowid;
DROP TABLE reading;
ALTER TABLE reading_unique RENAME TO reading;
-- The unique constraint's index serves (sensor, factor, time) lookups, as reading_by_sensor did.
