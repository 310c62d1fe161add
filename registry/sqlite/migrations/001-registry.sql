CREATE TABLE organisation (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('owner', 'contractor', 'authority'))
) WITHOUT ROWID;

CREATE TABLE facility (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  province TEXT NOT NULL,
  sector TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  owner_id TEXT REFERENCES organisation (id),
  hazards TEXT NOT NULL DEFAULT '[]', -- JSON array of factor ids
  profile TEXT NOT NULL,
  shifts TEXT NOT NULL, -- JSON {starts: ["06:00", …], utcOffsetMinutes}
  workers INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX facility_by_province ON facility (province, sector);

-- Which contractor organisations monitor which facilities.
CREATE TABLE facility_contractor (
  facility_id TEXT NOT NULL REFERENCES facility (id) ON DELETE CASCADE,
  organisation_id TEXT NOT NULL REFERENCES organisation (id),
  PRIMARY KEY (facility_id, organisation_id)
) WITHOUT ROWID;
CREATE INDEX facility_contractor_by_organisation ON facility_contractor (organisation_id);

CREATE TABLE zone (
  id TEXT PRIMARY KEY,
  facility_id TEXT NOT NULL REFERENCES facility (id),
  name TEXT NOT NULL,
  limit_variant TEXT
) WITHOUT ROWID;
CREATE INDEX zone_by_facility ON zone (facility_id);

CREATE TABLE sensor (
  id TEXT PRIMARY KEY,
  facility_id TEXT NOT NULL REFERENCES facility (id),
  zone_id TEXT REFERENCES zone (id),
  model TEXT NOT NULL,
  serial TEXT NOT NULL DEFAULT '',
  factors TEXT NOT NULL, -- JSON array of factor ids
  calibrated_at INTEGER,
  calibration_due INTEGER,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'decommissioned')),
  reporting_interval_s INTEGER NOT NULL DEFAULT 60,
  secret_hash TEXT, -- scrypt of the MQTT password; NULL when revoked
  credential_version INTEGER NOT NULL DEFAULT 0,
  last_seen_at INTEGER
) WITHOUT ROWID;
CREATE INDEX sensor_by_facility ON sensor (facility_id);

CREATE TABLE api_key (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'regulator', 'contractor', 'officer')),
  organisation_id TEXT REFERENCES organisation (id),
  facility_id TEXT REFERENCES facility (id),
  secret_hash TEXT NOT NULL, -- SHA-256 of a 256-bit random secret
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) WITHOUT ROWID;
