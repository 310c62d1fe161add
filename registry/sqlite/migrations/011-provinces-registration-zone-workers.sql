-- Facilities carry a unit of the 34-province list in force since 2025-07-01 (core/provinces): its code,
-- and the pre-2025 unit's name when the facility was registered under one. Rows written before this
-- migration are mapped when the registry opens (facilities.ts); a name that fits no unit keeps NULL.
ALTER TABLE facility ADD COLUMN province_code TEXT;
ALTER TABLE facility ADD COLUMN former_province TEXT;
-- When the facility entered the registry (or the date given for it): a report does not count a facility in
-- a period that ended before it. NULL for rows written before this migration: counted in every period.
ALTER TABLE facility ADD COLUMN registered_at INTEGER;
CREATE INDEX facility_by_province_code ON facility (province_code, sector);

-- How many workers work at the zone or position: the people to examine when a factor exceeds its limit there.
ALTER TABLE zone ADD COLUMN workers INTEGER CHECK (workers IS NULL OR workers >= 0);
