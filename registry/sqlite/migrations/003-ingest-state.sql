-- What ingest must not forget across a restart: exposure evaluators and open alerts, as JSON by key.
CREATE TABLE ingest_state (
  key TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
