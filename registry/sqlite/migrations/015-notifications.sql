-- Notifications (#16): channels and an escalation policy per facility, an outbox of what is to be sent
-- (one row per message, unique by its idempotency key, with every attempt), and single-use ack tokens.

-- A channel as JSON (core/notifications.ts), without what is never shown again: a webhook's HMAC secret
-- and extra headers (tokens of chat services) are columns of their own, read only by the dispatcher.
-- Ids are per facility: a 409 tells nothing of another tenant's channels.
CREATE TABLE notification_channel (
  facility_id TEXT NOT NULL REFERENCES facility (id),
  id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('email', 'webhook')),
  secret TEXT,
  headers TEXT, -- JSON object
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (facility_id, id)
) WITHOUT ROWID;

CREATE TABLE escalation_policy (
  facility_id TEXT PRIMARY KEY REFERENCES facility (id),
  body TEXT NOT NULL, -- JSON: tiers, repeat, quiet hours
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- The outbox. channel_id has no foreign key: a deleted channel's history stays, its pending rows are
-- cancelled when their turn comes.
CREATE TABLE notification (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  idempotency_key TEXT NOT NULL UNIQUE,
  alert_id TEXT NOT NULL,
  transition TEXT NOT NULL, -- the log event it answers: {type}.{seq}
  facility_id TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  contact TEXT NOT NULL, -- the e-mail address, or the webhook channel's name
  event TEXT NOT NULL, -- alert.opened, alert.escalated, alert.acknowledged, alert.cleared, alert.resolved
  level TEXT NOT NULL,
  tier INTEGER NOT NULL,
  round INTEGER NOT NULL,
  -- An escalation step (a later tier, a repeat): sent only while the alert is unacknowledged at its level.
  while_unacknowledged INTEGER NOT NULL CHECK (while_unacknowledged IN (0, 1)),
  state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'retrying', 'failed', 'cancelled')),
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  -- queued/retrying: when to try; sending: until when the claim holds (then another dispatcher may retry).
  next_attempt_at INTEGER NOT NULL,
  sent_at INTEGER,
  last_error TEXT,
  body TEXT NOT NULL -- the alert event: the alert after it, who acted, the note
);
CREATE INDEX notification_due ON notification (state, next_attempt_at);
CREATE INDEX notification_by_alert ON notification (alert_id, id);

-- Append-only, like the audit trail: what happened at each attempt.
CREATE TABLE notification_attempt (
  notification_id INTEGER NOT NULL REFERENCES notification (id),
  attempt INTEGER NOT NULL,
  at INTEGER NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'failed', 'interrupted')),
  error TEXT,
  PRIMARY KEY (notification_id, attempt)
) WITHOUT ROWID;

-- Acknowledge-from-the-message links: only the SHA-256 of the 256-bit token is kept, as for API keys.
CREATE TABLE ack_token (
  hash TEXT PRIMARY KEY,
  notification_id INTEGER NOT NULL REFERENCES notification (id),
  alert_id TEXT NOT NULL,
  contact TEXT NOT NULL,
  language TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
) WITHOUT ROWID;
