export {
  type AlertKey,
  type AlertSignal,
  AlertTracker,
  type AlertTrackerData,
  type AlertTrackerOptions,
  type AlertTransition,
  type AlertTransitionType,
  type LevelCheck,
} from './alert-tracker.ts'
export {
  DEFAULT_MAX_SAMPLE_INTERVAL_MS,
  ExposureEvaluator,
  type ExposureOptions,
  type ExposureStateData,
  type ExposureSummary,
  type Measurement,
  type ObserveOutcome,
  STEL_WINDOW_MS,
} from './evaluator.ts'
export {
  type HeatStressEstimate,
  heatStressEstimate,
  MAX_PAIRING_GAP_MS,
  WbgtEstimator,
} from './heat-stress.ts'
export { allowedMs, doseLevel, doseRate, levelToDosePercent, lex8h, REFERENCE_MS } from './noise.ts'
export { type Exceedance, evaluateSeries, type SeriesOptions, type SeriesResult } from './series.ts'
export { exposureSignals, faultSignal, offlineSignal, type SignalOptions } from './signals.ts'
export {
  type Basis,
  type Calibration,
  type ExposureVerdicts,
  elapsedBasis,
  exposureVerdicts,
  FIGURE_IDS,
  type FigureId,
  type FigureInput,
  type FigureKind,
  type FigureVerdict,
  hasTimeWeightedAverage,
  type JudgedFigure,
  judgeFigure,
  REASON_CODES,
  type Reason,
  type ReasonCode,
  type SensorCondition,
  SUFFICIENT_BASIS,
  type SufficientBasisRules,
  shiftBasis,
  VERDICTS,
  type Verdict,
  windowBasis,
} from './verdicts.ts'
