-- SQLite's 021-ingest-partitions.sql (#20): who owns each of the 256 facility partitions
-- (core/partitions.ts) and until when. `epoch` rises by one at each change of owner: every write of a
-- partition's state names the epoch its writer holds, and is refused once another owner has taken over.
CREATE TABLE ingest_partition_lease (
  partition integer PRIMARY KEY,
  owner text COLLATE "C",
  epoch bigint NOT NULL DEFAULT 0,
  expires_at bigint NOT NULL DEFAULT 0 -- epoch ms; a lease past it may be claimed by any worker
);
INSERT INTO ingest_partition_lease (partition) SELECT generate_series(0, 255);

-- The workers alive, each until its last heartbeat's expiry: how many share the partitions.
CREATE TABLE ingest_worker (
  id text COLLATE "C" PRIMARY KEY,
  expires_at bigint NOT NULL
);
