-- One owner of alert state (#13): the alert register applies core/alert-lifecycle.ts to what ingest detects
-- and to what people do, and writes the whole alert. The acknowledgement no longer has columns of its own
-- beside ingest's copy: the body holds every acknowledgement and the resolution, the columns what a search
-- filters on.
ALTER TABLE alert ADD COLUMN state TEXT NOT NULL DEFAULT 'open'
  CHECK (state IN ('open', 'acknowledged', 'cleared', 'resolved'));
ALTER TABLE alert ADD COLUMN reason TEXT; -- the resolution's reason
-- When it stopped being active (cleared or resolved, whichever came first): the end of a time-range search.
ALTER TABLE alert ADD COLUMN closed_at INTEGER;

-- Acknowledgements made before keys identified people keep the name typed then, without a key id.
UPDATE alert SET body = json_set(body, '$.acknowledgements', json_array(
    CASE WHEN note IS NULL
      THEN json_object('by', json_object('name', coalesce(acknowledged_by, '?')), 'at', acknowledged_at,
        'level', level)
      ELSE json_object('by', json_object('name', coalesce(acknowledged_by, '?')), 'at', acknowledged_at,
        'level', level, 'note', note)
    END))
  WHERE acknowledged_at IS NOT NULL;
UPDATE alert SET
  state = CASE WHEN cleared = 1 THEN 'cleared' WHEN acknowledged_at IS NOT NULL THEN 'acknowledged' ELSE 'open' END,
  closed_at = CASE WHEN cleared = 1 THEN coalesce(json_extract(body, '$.clearedAt'), updated_at) END;
UPDATE alert SET body = json_remove(json_set(body, '$.state', state), '$.acknowledgedAt', '$.acknowledgedBy', '$.note');

ALTER TABLE alert DROP COLUMN cleared;
ALTER TABLE alert DROP COLUMN acknowledged_at;
ALTER TABLE alert DROP COLUMN acknowledged_by;
ALTER TABLE alert DROP COLUMN note;
CREATE INDEX alert_by_sensor ON alert (sensor_id, opened_at);
CREATE INDEX alert_by_state ON alert (state, opened_at);

-- Every change of every alert, in the order the register made them: what the time-series store and,
-- later, e-mail notifications are fed from (each consumer keeps its own position, `seq`).
CREATE TABLE alert_event (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id TEXT NOT NULL,
  type TEXT NOT NULL,
  at INTEGER NOT NULL,
  body TEXT NOT NULL -- the event as JSON, with the alert as it was after it
);
CREATE INDEX alert_event_by_alert ON alert_event (alert_id, seq);
