-- People who sign in (#18): one row a person, found by their e-mail (trimmed and lower-cased before it is
-- stored, so it is unique however it is typed). The password is kept as scrypt (registry/credentials.ts).
CREATE TABLE app_user (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL, -- scrypt$N$r$p$salt$hash
  created_at INTEGER NOT NULL,
  disabled_at INTEGER -- from then on the person cannot sign in and every session of theirs is refused
) WITHOUT ROWID;

-- What a person may do: the same roles and reach as API keys; one person may hold several grants.
CREATE TABLE user_grant (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES app_user (id),
  role TEXT NOT NULL CHECK (role IN ('admin', 'regulator', 'contractor', 'officer')),
  organisation_id TEXT REFERENCES organisation (id),
  facility_id TEXT REFERENCES facility (id),
  created_at INTEGER NOT NULL,
  CHECK (role <> 'contractor' OR organisation_id IS NOT NULL),
  CHECK (role <> 'officer' OR facility_id IS NOT NULL)
) WITHOUT ROWID;
CREATE INDEX user_grant_by_user ON user_grant (user_id);
