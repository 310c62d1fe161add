-- Readings in the factor's canonical unit, time in epoch milliseconds.
CREATE TABLE reading (
  time INTEGER NOT NULL,
  facility TEXT NOT NULL,
  sensor TEXT NOT NULL,
  factor TEXT NOT NULL,
  value REAL NOT NULL
);
CREATE INDEX reading_by_sensor ON reading (sensor, factor, time);

-- The newest reading of each sensor and factor, kept on write so "latest" never scans history.
CREATE TABLE latest_reading (
  sensor TEXT NOT NULL,
  factor TEXT NOT NULL,
  facility TEXT NOT NULL,
  time INTEGER NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (sensor, factor)
) WITHOUT ROWID;
CREATE INDEX latest_reading_by_facility ON latest_reading (facility);

-- Every change of an alert, as InfluxDB's `alert` measurement keeps them.
CREATE TABLE alert_event (
  time INTEGER NOT NULL,
  id TEXT NOT NULL,
  facility TEXT NOT NULL,
  sensor TEXT NOT NULL,
  factor TEXT NOT NULL,
  kind TEXT NOT NULL,
  level TEXT NOT NULL,
  state TEXT NOT NULL,
  value REAL NOT NULL,
  "limit" REAL NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX alert_event_by_facility ON alert_event (facility, time);
