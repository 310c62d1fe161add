-- Every change a person or key made (#13): who (key id, name, role), when, what, before and after.
-- Append-only: the registry offers no update or delete for it, and these triggers refuse them.
CREATE TABLE audit_entry (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor_key_id TEXT, -- NULL for the command line (`quantrac admin`), which has no key
  actor_name TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  action TEXT NOT NULL,
  facility_id TEXT, -- the facility the change concerns; NULL for keys and organisations
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  before TEXT, -- JSON
  after TEXT -- JSON
);
CREATE INDEX audit_by_facility ON audit_entry (facility_id, at);
CREATE INDEX audit_by_actor ON audit_entry (actor_key_id, at);
CREATE INDEX audit_by_at ON audit_entry (at);

CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
BEGIN
  SELECT RAISE(ABORT, 'the audit trail is append-only: entries cannot be changed');
END;
CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
BEGIN
  SELECT RAISE(ABORT, 'the audit trail is append-only: entries cannot be deleted');
END;
