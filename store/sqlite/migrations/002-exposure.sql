-- Exposure figures per sensor and factor, written by ingest about once a minute.
CREATE TABLE exposure (
  time INTEGER NOT NULL,
  facility TEXT NOT NULL,
  sensor TEXT NOT NULL,
  factor TEXT NOT NULL,
  shift_start INTEGER NOT NULL,
  coverage REAL NOT NULL,
  stel REAL,
  twa REAL,
  twa_projected REAL,
  dose REAL,
  dose_projected REAL,
  lex8h REAL
);
CREATE INDEX exposure_by_sensor ON exposure (sensor, factor, time);
CREATE INDEX exposure_by_facility ON exposure (facility, time);

-- The newest exposure of each sensor and factor, kept on write like latest_reading.
CREATE TABLE latest_exposure (
  sensor TEXT NOT NULL,
  factor TEXT NOT NULL,
  facility TEXT NOT NULL,
  time INTEGER NOT NULL,
  shift_start INTEGER NOT NULL,
  coverage REAL NOT NULL,
  stel REAL,
  twa REAL,
  twa_projected REAL,
  dose REAL,
  dose_projected REAL,
  lex8h REAL,
  PRIMARY KEY (sensor, factor)
) WITHOUT ROWID;
CREATE INDEX latest_exposure_by_facility ON latest_exposure (facility);
