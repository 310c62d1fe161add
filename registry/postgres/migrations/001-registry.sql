-- The registry as SQLite migrations 001-registry.sql, 002-alerts.sql, 003-ingest-state.sql,
-- 004-sensor-limit-variant.sql, 005-api-key-expiry.sql, 006-alert-register.sql, 007-audit-trail.sql,
-- 008-sensor-rejections.sql, 011-provinces-registration-zone-workers.sql, 012-campaigns.sql,
-- 014-facility-shifts.sql, 015-notifications.sql, 016-users.sql and 017-sessions.sql left it, in PostgreSQL's types. Instants are bigint epoch
-- milliseconds, as the interface (registry/types.ts) gives them and as SQLite keeps them: nothing converts
-- on the way in or out, and no time zone of the session can shift one. JSON is jsonb. Ids and names that
-- listings order by, or that are searched by prefix, compare byte by byte (COLLATE "C"), as SQLite's
-- BINARY does, whatever the database's locale: pages come in the same order from both registries.

CREATE TABLE organisation (
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('owner', 'contractor', 'authority'))
);

CREATE TABLE facility (
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  province text NOT NULL, -- the current unit's name (core/provinces)
  province_code text NOT NULL, -- its 2-digit code: every facility written here was resolved
  former_province text, -- the pre-2025 unit it was registered under, when given by that name
  sector text NOT NULL,
  address text NOT NULL DEFAULT '',
  owner_id text COLLATE "C" REFERENCES organisation (id),
  hazards jsonb NOT NULL DEFAULT '[]', -- array of factor ids
  profile text NOT NULL,
  shifts jsonb NOT NULL, -- {starts: ["06:00", …], utcOffsetMinutes}
  workers integer NOT NULL DEFAULT 0,
  registered_at bigint
);
CREATE INDEX facility_by_province_code ON facility (province_code, sector);

-- Which contractor organisations monitor which facilities.
CREATE TABLE facility_contractor (
  facility_id text COLLATE "C" NOT NULL REFERENCES facility (id) ON DELETE CASCADE,
  organisation_id text COLLATE "C" NOT NULL REFERENCES organisation (id),
  PRIMARY KEY (facility_id, organisation_id)
);
CREATE INDEX facility_contractor_by_organisation ON facility_contractor (organisation_id);

CREATE TABLE zone (
  id text COLLATE "C" PRIMARY KEY,
  facility_id text COLLATE "C" NOT NULL REFERENCES facility (id),
  name text COLLATE "C" NOT NULL,
  limit_variant text,
  workers integer CHECK (workers IS NULL OR workers >= 0)
);
CREATE INDEX zone_by_facility ON zone (facility_id, name);

CREATE TABLE sensor (
  id text COLLATE "C" PRIMARY KEY,
  facility_id text COLLATE "C" NOT NULL REFERENCES facility (id),
  zone_id text COLLATE "C" REFERENCES zone (id),
  model text NOT NULL,
  serial text NOT NULL DEFAULT '',
  factors jsonb NOT NULL, -- array of factor ids
  calibrated_at bigint,
  calibration_due bigint,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'decommissioned')),
  reporting_interval_s integer NOT NULL DEFAULT 60,
  secret_hash text, -- scrypt of the MQTT password; NULL when revoked
  credential_version integer NOT NULL DEFAULT 0,
  last_seen_at bigint,
  limit_variant text -- the sensor's own, over its zone's
);
CREATE INDEX sensor_by_facility ON sensor (facility_id, id);

CREATE TABLE api_key (
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'regulator', 'contractor', 'officer')),
  organisation_id text COLLATE "C" REFERENCES organisation (id),
  facility_id text COLLATE "C" REFERENCES facility (id),
  secret_hash text NOT NULL, -- SHA-256 of a 256-bit random secret
  created_at bigint NOT NULL,
  revoked_at bigint,
  expires_at bigint -- from then on refused like a revoked key; NULL: never
);

-- The alert register (#13): the whole alert as jsonb, and the columns a search filters on.
CREATE TABLE alert (
  id text COLLATE "C" PRIMARY KEY,
  facility_id text COLLATE "C" NOT NULL,
  sensor_id text COLLATE "C" NOT NULL,
  factor text NOT NULL,
  kind text NOT NULL,
  level text NOT NULL,
  state text NOT NULL CHECK (state IN ('open', 'acknowledged', 'cleared', 'resolved')),
  reason text, -- the resolution's reason
  opened_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  closed_at bigint, -- cleared or resolved, whichever came first: the end of a time-range search
  body jsonb NOT NULL
);
CREATE INDEX alert_by_facility ON alert (facility_id, opened_at);
CREATE INDEX alert_by_opened ON alert (opened_at);
CREATE INDEX alert_by_sensor ON alert (sensor_id, opened_at);
CREATE INDEX alert_by_state ON alert (state, opened_at);

-- Every change of every alert in the order the register made them; consumers keep their position (seq).
-- Writers append under one advisory lock (registry/postgres/alerts.ts), so seq order is commit order and
-- a reader never passes a number that a slower transaction commits later.
CREATE TABLE alert_event (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id text COLLATE "C" NOT NULL,
  type text NOT NULL,
  at bigint NOT NULL,
  body jsonb NOT NULL -- the event, with the alert as it was after it
);
CREATE INDEX alert_event_by_alert ON alert_event (alert_id, seq);

-- What ingest must not forget across a restart (exposure evaluators, open alerts), by key; loaded by prefix.
-- json, not jsonb: the alert tracker's slots are keyed by parts joined with NUL, which jsonb cannot hold
-- and json keeps as the text it was given (`\u0000`).
CREATE TABLE ingest_state (
  key text COLLATE "C" PRIMARY KEY,
  body json NOT NULL,
  updated_at bigint NOT NULL
);

-- Every change a person or key made: append-only, the triggers below refuse changes and removals.
CREATE TABLE audit_entry (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at bigint NOT NULL,
  actor_key_id text, -- NULL for the command line (`quantrac admin`), which has no key
  actor_name text NOT NULL,
  actor_role text NOT NULL,
  action text NOT NULL,
  facility_id text, -- the facility the change concerns; NULL for keys and organisations
  target_type text NOT NULL,
  target_id text NOT NULL,
  before jsonb,
  after jsonb
);
CREATE INDEX audit_by_facility ON audit_entry (facility_id, at);
CREATE INDEX audit_by_actor ON audit_entry (actor_key_id, at);
CREATE INDEX audit_by_at ON audit_entry (at);

CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: entries cannot be %',
    CASE TG_OP WHEN 'UPDATE' THEN 'changed' ELSE 'deleted' END;
END
$$;
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
  FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
  FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
  FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();

-- The recent messages ingest refused from each registered sensor (the newest 100 are kept per sensor).
CREATE TABLE sensor_rejection (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sensor_id text COLLATE "C" NOT NULL,
  received_at bigint NOT NULL,
  topic text NOT NULL,
  reason text NOT NULL,
  detail text NOT NULL,
  payload text NOT NULL -- the start of the payload as UTF-8, NUL shown as U+FFFD
);
CREATE INDEX sensor_rejection_by_sensor ON sensor_rejection (sensor_id, id);

-- Periodic monitoring campaigns (core/campaigns.ts), counted in the period holding their last day.
CREATE TABLE campaign (
  id text COLLATE "C" PRIMARY KEY,
  facility_id text COLLATE "C" NOT NULL REFERENCES facility (id),
  organisation_id text COLLATE "C" NOT NULL REFERENCES organisation (id),
  declaration_reference text NOT NULL,
  declaration_published_by text NOT NULL,
  declaration_published_on date,
  started_on date NOT NULL, -- Vietnam time
  ended_on date NOT NULL,
  counts_at bigint NOT NULL, -- the start of ended_on, Vietnam time
  recorded_at bigint NOT NULL,
  recorded_by text NOT NULL
);
CREATE INDEX campaign_by_facility ON campaign (facility_id, counts_at);
CREATE INDEX campaign_by_counts_at ON campaign (counts_at);

CREATE TABLE campaign_measurement (
  campaign_id text COLLATE "C" NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  line integer NOT NULL,
  zone_id text COLLATE "C" NOT NULL REFERENCES zone (id),
  position text,
  factor text NOT NULL,
  substance text,
  samples integer NOT NULL CHECK (samples >= 0),
  samples_over_limit integer NOT NULL CHECK (samples_over_limit >= 0 AND samples_over_limit <= samples),
  measured_values jsonb, -- array of numbers, one per sample, in unit
  unit text,
  PRIMARY KEY (campaign_id, line)
);

-- The shifts ingest opened at each facility, as it opened them; the last 35 days are kept.
CREATE TABLE facility_shift (
  facility_id text COLLATE "C" NOT NULL,
  start bigint NOT NULL,
  end_at bigint NOT NULL,
  hours double precision NOT NULL,
  utc_offset_minutes integer NOT NULL,
  PRIMARY KEY (facility_id, start)
);
CREATE INDEX facility_shift_by_start ON facility_shift (start);

-- Notifications (#16): channels and an escalation policy per facility, the outbox, single-use ack tokens.
CREATE TABLE notification_channel (
  facility_id text COLLATE "C" NOT NULL REFERENCES facility (id),
  id text COLLATE "C" NOT NULL,
  kind text NOT NULL CHECK (kind IN ('email', 'webhook')),
  secret text, -- a webhook's HMAC secret: never shown again
  headers jsonb, -- extra headers (chat services' tokens): never shown again
  body jsonb NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (facility_id, id)
);

CREATE TABLE escalation_policy (
  facility_id text COLLATE "C" PRIMARY KEY REFERENCES facility (id),
  body jsonb NOT NULL, -- tiers, repeat, quiet hours
  updated_at bigint NOT NULL
);

-- The outbox. channel_id has no foreign key: a deleted channel's history stays.
CREATE TABLE notification (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  alert_id text COLLATE "C" NOT NULL,
  transition text NOT NULL, -- the log event it answers: {type}.{seq}
  facility_id text COLLATE "C" NOT NULL,
  channel_id text COLLATE "C" NOT NULL,
  contact text COLLATE "C" NOT NULL, -- the e-mail address, or the webhook channel's name
  event text NOT NULL,
  level text NOT NULL,
  tier integer NOT NULL,
  round integer NOT NULL,
  -- An escalation step (a later tier, a repeat): sent only while the alert is unacknowledged at its level.
  while_unacknowledged boolean NOT NULL,
  state text NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'retrying', 'failed', 'cancelled')),
  attempts integer NOT NULL DEFAULT 0,
  created_at bigint NOT NULL,
  due_at bigint NOT NULL,
  -- queued/retrying: when to try; sending: until when the claim holds (then another dispatcher may retry).
  next_attempt_at bigint NOT NULL,
  sent_at bigint,
  last_error text,
  body jsonb NOT NULL -- the alert event: the alert after it, who acted, the note
);
CREATE INDEX notification_due ON notification (state, next_attempt_at);
CREATE INDEX notification_by_alert ON notification (alert_id, id);

-- Append-only, like the audit trail: what happened at each attempt.
CREATE TABLE notification_attempt (
  notification_id bigint NOT NULL REFERENCES notification (id),
  attempt integer NOT NULL,
  at bigint NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('sent', 'failed', 'interrupted')),
  error text,
  PRIMARY KEY (notification_id, attempt)
);

-- Acknowledge-from-the-message links: only the SHA-256 of the 256-bit token is kept.
CREATE TABLE ack_token (
  hash text PRIMARY KEY,
  notification_id bigint NOT NULL REFERENCES notification (id),
  alert_id text NOT NULL,
  contact text NOT NULL,
  language text NOT NULL,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  used_at bigint
);

-- People who sign in (#18), found by their e-mail (trimmed and lower-cased before it is stored).
CREATE TABLE app_user (
  id text COLLATE "C" PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name text NOT NULL,
  password_hash text NOT NULL, -- scrypt$N$r$p$salt$hash
  created_at bigint NOT NULL,
  disabled_at bigint -- from then on the person cannot sign in and every session of theirs is refused
);

-- What a person may do: the same roles and reach as API keys; one person may hold several grants.
CREATE TABLE user_grant (
  id text COLLATE "C" PRIMARY KEY,
  user_id text COLLATE "C" NOT NULL REFERENCES app_user (id),
  role text NOT NULL CHECK (role IN ('admin', 'regulator', 'contractor', 'officer')),
  organisation_id text COLLATE "C" REFERENCES organisation (id),
  facility_id text COLLATE "C" REFERENCES facility (id),
  created_at bigint NOT NULL,
  CHECK (role <> 'contractor' OR organisation_id IS NOT NULL),
  CHECK (role <> 'officer' OR facility_id IS NOT NULL)
);
CREATE INDEX user_grant_by_user ON user_grant (user_id);

-- Signed-in sessions: only the SHA-256 of the cookie's 256-bit id is kept.
CREATE TABLE user_session (
  id_hash text PRIMARY KEY,
  user_id text COLLATE "C" NOT NULL REFERENCES app_user (id),
  grant_id text COLLATE "C" NOT NULL REFERENCES user_grant (id),
  created_at bigint NOT NULL,
  last_seen_at bigint NOT NULL, -- idle expiry counts from here
  expires_at bigint NOT NULL -- absolute expiry, whatever the activity
);
CREATE INDEX user_session_by_user ON user_session (user_id);
CREATE INDEX user_session_by_expiry ON user_session (expires_at);
