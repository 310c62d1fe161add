-- SQLite's 019-account-tokens-totp.sql (#18): password-reset and invitation links (kept by the SHA-256 of
-- their token, single use, expiring), the TOTP second factor with its recovery codes, and keys people own.
CREATE TABLE account_token (
  id_hash text PRIMARY KEY,
  purpose text NOT NULL CHECK (purpose IN ('password-reset', 'invitation')),
  user_id text COLLATE "C" NOT NULL REFERENCES app_user (id),
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  used_at bigint
);
CREATE INDEX account_token_by_user ON account_token (user_id);

-- The secret must be read to check a code; enrolled but not in force while totp_confirmed_at is NULL.
ALTER TABLE app_user ADD COLUMN totp_secret text;
ALTER TABLE app_user ADD COLUMN totp_confirmed_at bigint;
-- The last time step a code was accepted at: a code is good once (RFC 6238 §5.2).
ALTER TABLE app_user ADD COLUMN totp_last_step bigint;

-- Recovery codes, each good once, kept by their SHA-256.
CREATE TABLE user_recovery_code (
  user_id text COLLATE "C" NOT NULL REFERENCES app_user (id),
  code_hash text NOT NULL,
  used_at bigint,
  PRIMARY KEY (user_id, code_hash)
);

-- Keys people make for their own scripts; NULL: an admin's or the command line's key.
ALTER TABLE api_key ADD COLUMN owner_user_id text COLLATE "C" REFERENCES app_user (id);
CREATE INDEX api_key_by_owner ON api_key (owner_user_id);
