-- The recent messages ingest refused from each registered sensor, with the reason: what a contractor looks
-- at first when commissioning a sensor. Bounded per sensor by ingest (the newest 100 are kept).
CREATE TABLE sensor_rejection (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  sensor_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  topic TEXT NOT NULL,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL,
  payload TEXT NOT NULL -- the start of the payload as UTF-8, for the person reading it
);
CREATE INDEX sensor_rejection_by_sensor ON sensor_rejection (sensor_id, id);
