-- The shifts ingest opened at each facility, as it opened them: the exposures API reports the shift a figure
-- was judged on (start, next start, planned hours) even after the facility's pattern changed. Ingest keeps
-- the last 35 days (readings older than 7 days are refused, so older shifts are never judged again).
CREATE TABLE facility_shift (
  facility_id TEXT NOT NULL,
  start INTEGER NOT NULL,
  end_at INTEGER NOT NULL,
  hours REAL NOT NULL,
  utc_offset_minutes INTEGER NOT NULL,
  PRIMARY KEY (facility_id, start)
) WITHOUT ROWID;
CREATE INDEX facility_shift_by_start ON facility_shift (start);
