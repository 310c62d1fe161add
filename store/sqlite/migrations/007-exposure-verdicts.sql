-- Each exposure point keeps what its figures rest on and their verdicts (#13, core/exposure/verdicts.ts), as
-- JSON: `basis` (measured time, share of the shift, longest gap, calibration, faults) and `verdicts` (per
-- figure: exceeds / within / insufficient-data, the reasons and that figure's basis). Points written before
-- have none: their figures were judged by nothing.
ALTER TABLE exposure ADD COLUMN basis TEXT;
ALTER TABLE exposure ADD COLUMN verdicts TEXT;
ALTER TABLE latest_exposure ADD COLUMN basis TEXT;
ALTER TABLE latest_exposure ADD COLUMN verdicts TEXT;
