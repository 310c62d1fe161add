-- Partitioned ingest (#20, README "Scaling out"): who owns each of the 256 facility partitions
-- (core/partitions.ts) and until when. `epoch` rises by one at each change of owner: every write of a
-- partition's state names the epoch its writer holds, and is refused once another owner has taken over.
CREATE TABLE ingest_partition_lease (
  partition INTEGER PRIMARY KEY,
  owner TEXT,
  epoch INTEGER NOT NULL DEFAULT 0,
  expires_at INTEGER NOT NULL DEFAULT 0 -- epoch ms; a lease past it may be claimed by any worker
);
WITH RECURSIVE numbers (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM numbers WHERE n < 255)
INSERT INTO ingest_partition_lease (partition) SELECT n FROM numbers;

-- The workers alive, each until its last heartbeat's expiry: how many share the partitions.
CREATE TABLE ingest_worker (
  id TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);
