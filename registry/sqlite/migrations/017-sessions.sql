-- Signed-in sessions (#18). The cookie holds a 256-bit random id; only its SHA-256 is kept here, so a copy
-- of the registry opens no session. A session acts under one of its person's grants at a time.
CREATE TABLE user_session (
  id_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES app_user (id),
  grant_id TEXT NOT NULL REFERENCES user_grant (id),
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL, -- idle expiry counts from here
  expires_at INTEGER NOT NULL -- absolute expiry, whatever the activity
) WITHOUT ROWID;
CREATE INDEX user_session_by_user ON user_session (user_id);
CREATE INDEX user_session_by_expiry ON user_session (expires_at);
