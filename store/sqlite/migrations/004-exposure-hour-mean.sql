-- The 1-hour mean of factors judged by one (heat stress: WBGT, ISO 7243).
ALTER TABLE exposure ADD COLUMN hour_mean REAL;
ALTER TABLE latest_exposure ADD COLUMN hour_mean REAL;
