-- Alert events say what happened (#13): opened, escalated, acknowledged, resolved, cleared, notified; who
-- acted (the API key's name and id) or who was told; a resolution's reason; a person's note.
ALTER TABLE alert_event ADD COLUMN event TEXT;
ALTER TABLE alert_event ADD COLUMN reason TEXT;
ALTER TABLE alert_event ADD COLUMN actor TEXT;
ALTER TABLE alert_event ADD COLUMN actor_key TEXT;
ALTER TABLE alert_event ADD COLUMN recipients TEXT;
ALTER TABLE alert_event ADD COLUMN note TEXT;
-- Before, an event carried only the alert's state: an escalation looked like an opening.
UPDATE alert_event SET event = CASE state WHEN 'cleared' THEN 'cleared' WHEN 'acknowledged' THEN 'acknowledged'
  ELSE 'opened' END;
-- Ingest hands the store each event at least once: a repeat (same alert, event and time) is ignored.
DELETE FROM alert_event WHERE rowid NOT IN (SELECT min(rowid) FROM alert_event GROUP BY id, event, time);
CREATE UNIQUE INDEX alert_event_once ON alert_event (id, event, time);
