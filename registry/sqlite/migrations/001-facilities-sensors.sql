CREATE TABLE facility (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  province TEXT NOT NULL,
  sector TEXT NOT NULL,
  profile TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sensor (
  id TEXT PRIMARY KEY,
  facility_id TEXT NOT NULL REFERENCES facility (id),
  model TEXT NOT NULL,
  zone TEXT NOT NULL,
  factors TEXT NOT NULL -- JSON array of factor ids
) WITHOUT ROWID;
CREATE INDEX sensor_by_facility ON sensor (facility_id);
