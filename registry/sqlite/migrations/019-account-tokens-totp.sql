-- Ways back into an account, by e-mail (#18): a password reset or an invitation. The link holds a 256-bit
-- random token; only its SHA-256 is kept here, so a copy of the registry opens no account. Single use
-- (used_at) and expiring.
CREATE TABLE account_token (
  id_hash TEXT PRIMARY KEY,
  purpose TEXT NOT NULL CHECK (purpose IN ('password-reset', 'invitation')),
  user_id TEXT NOT NULL REFERENCES app_user (id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
) WITHOUT ROWID;
CREATE INDEX account_token_by_user ON account_token (user_id);

-- A second factor (TOTP, RFC 6238) for admins. The secret must be read to check a code, so it is kept as
-- is (the registry file is private to the service's user, store/private-files.ts); it opens nothing without
-- the password. Enrolled but not yet confirmed while totp_confirmed_at is NULL: sign-in asks for no code.
ALTER TABLE app_user ADD COLUMN totp_secret TEXT;
ALTER TABLE app_user ADD COLUMN totp_confirmed_at INTEGER;
-- The last time step a code was accepted at: a code is good once (RFC 6238 §5.2).
ALTER TABLE app_user ADD COLUMN totp_last_step INTEGER;

-- Recovery codes, each good once, kept by their SHA-256 (they are random, 80 bits: no salt needed).
CREATE TABLE user_recovery_code (
  user_id TEXT NOT NULL REFERENCES app_user (id),
  code_hash TEXT NOT NULL,
  used_at INTEGER,
  PRIMARY KEY (user_id, code_hash)
) WITHOUT ROWID;

-- Keys people make for their own scripts (#18): a person who is not an admin may hold keys of their own
-- grant's role and reach, listed and revoked by them; disabling the person revokes them. NULL: an admin's
-- or the command line's key, owned by nobody.
ALTER TABLE api_key ADD COLUMN owner_user_id TEXT REFERENCES app_user (id);
CREATE INDEX api_key_by_owner ON api_key (owner_user_id);
