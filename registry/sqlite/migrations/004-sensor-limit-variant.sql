-- A sensor's own limit variant (e.g. `office` for a meter in the accounting room of a production zone):
-- it overrides its zone's.
ALTER TABLE sensor ADD COLUMN limit_variant TEXT;
