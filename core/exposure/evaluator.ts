import type { FactorId } from '../factors.ts'
import type { NoiseDoseRule } from '../limits/index.ts'
import {
  doseLevel,
  doseRate,
  energyLevel,
  levelToDosePercent,
  lex8h,
  REFERENCE_MS,
  soundEnergy,
} from './noise.ts'
import { RollingWindow, type RollingWindowData } from './rolling-window.ts'
import { hasTimeWeightedAverage } from './verdicts.ts'

export const DEFAULT_MAX_SAMPLE_INTERVAL_MS = 5 * 60_000
export const STEL_WINDOW_MS = 15 * 60_000
/** ISO 7243 judges heat stress by the WBGT averaged over the most demanding hour. */
export const HOUR_WINDOW_MS = 60 * 60_000
/** A rolling window (15 minutes, 1 hour) with less than this share of it measured has no mean. */
const MIN_WINDOW_COVERAGE = 0.5

export interface ExposureOptions {
  readonly factor: FactorId
  /** Epoch ms the shift started; readings before it are ignored. */
  readonly shiftStart: number
  /** Planned length of the shift, for the end-of-shift projections. Default 8. */
  readonly shiftHours?: number
  /** Longest time a reading stands for; silence beyond it is unmeasured. Default 5 minutes. */
  readonly maxSampleIntervalMs?: number
  /** Required for the noise dose; without it noise gets LAeq and LEX,8h only. */
  readonly noise?: NoiseDoseRule
  /** Keep a rolling 1-hour mean too, for limits on it (heat stress). */
  readonly hourMean?: boolean
}

/** What happened to a reading. Only `accepted` readings count for exposure. */
export type ObserveOutcome = 'accepted' | 'duplicate' | 'out-of-order' | 'before-shift'

/** The state of one (sensor, factor) evaluator as plain JSON data: persist it, restore it with `fromJSON`. */
export interface ExposureStateData {
  readonly version: 1
  readonly factor: FactorId
  readonly shiftStart: number
  readonly first: number | null
  readonly lastTime: number | null
  readonly lastValue: number | null
  readonly samples: number
  readonly duplicates: number
  readonly outOfOrder: number
  readonly measuredMs: number
  readonly gapMs: number
  /** ∫ value dt over measured time; for noise ∫ 10^(L/10) dt. */
  readonly exposure: number
  readonly dose: number
  readonly actionDose: number
  readonly max: number | null
  /** Absent in state saved before it was kept. */
  readonly min?: number | null
  readonly longestGapMs?: number
  readonly maxWindowMean: number | null
  readonly maxWindowAt: number | null
  readonly window: RollingWindowData
  /** Present when the evaluator keeps a 1-hour mean. */
  readonly hourWindow?: RollingWindowData
  readonly maxHourMean?: number | null
  readonly maxHourMeanAt?: number | null
}

/** What the figures rest on, in milliseconds: the measured part of the shift and of the rolling windows. */
export interface Measurement {
  readonly measuredMs: number
  /** From the shift start to the last reading. */
  readonly elapsedMs: number
  /** The planned shift. */
  readonly shiftMs: number
  /** Longest unmeasured stretch since the shift started, the time before the first reading included. */
  readonly longestGapMs: number
  readonly stelWindowMs: number
  /** Measured time in the 15 minutes before the last reading. */
  readonly stelMeasuredMs: number
  /** Evaluators keeping a 1-hour mean only. */
  readonly hourWindowMs?: number
  readonly hourMeasuredMs?: number
}

/**
 * Exposure of one sensor's factor over the shift so far, in the factor's canonical unit. The "so far"
 * figures (twa, dosePercent, lex8h) count unmeasured time as zero, so they are what was certainly
 * received; the projections fill the rest of the shift at the measured mean (README § Time weighting).
 */
export interface ExposureSummary {
  readonly factor: FactorId
  readonly samples: number
  readonly duplicates: number
  readonly outOfOrder: number
  readonly firstTime?: number
  readonly lastTime?: number
  readonly lastValue?: number
  readonly max?: number
  readonly min?: number
  readonly measurement: Measurement
  /** Time covered by readings (each held at most the max sample interval). */
  readonly measuredHours: number
  /** Time from the shift start to the last reading. */
  readonly elapsedHours: number
  /** measured / elapsed: the share of the shift so far that readings cover. */
  readonly coverage: number
  /** Time-weighted mean over measured time; for noise the LAeq. */
  readonly mean?: number
  /**
   * 8-h TWA of the shift so far, `Σ Cᵢ·tᵢ / 8 h` over measured time (unmeasured time counts as zero); for
   * noise the dose's equivalent level. None for factors without a meaningful TWA (temperature, humidity).
   */
  readonly twa?: number
  /** The TWA the shift will reach at its planned end if exposure goes on at the measured mean. */
  readonly projectedTwa?: number
  /** Mean of the last 15 minutes (noise: LAeq,15min), when enough of them was measured. */
  readonly stel?: number
  /** Highest 15-minute mean of the shift, and when its window ended. */
  readonly maxStel?: number
  readonly maxStelAt?: number
  /** Mean of the last hour, when enough of it was measured (evaluators with `hourMean` only). */
  readonly hourMean?: number
  /** Highest 1-hour mean of the shift, and when its window ended. */
  readonly maxHourMean?: number
  readonly maxHourMeanAt?: number
  readonly dosePercent?: number
  readonly projectedDosePercent?: number
  /** Dose under the action-level threshold (OSHA: from 80 dBA), compared with `actionDoseLimitPercent`. */
  readonly actionDosePercent?: number
  readonly actionDoseLimitPercent?: number
  readonly lex8h?: number
  readonly projectedLex8h?: number
}

/**
 * The running exposure of one sensor's factor through one shift. Each reading costs constant work: running
 * sums and a ring of 1-minute buckets, never a scan of history. A reading's value is held until the next
 * reading, for at most `maxSampleIntervalMs`; the rest of a longer silence is a gap (see README).
 *
 * @example
 * const co = new ExposureEvaluator({ factor: 'gas.co', shiftStart: Date.parse('2026-11-23T06:00:00+07:00') })
 * co.observe(reading.time, reading.value)
 * co.summary().twa // ppm, 8-h reference
 * await store.save(key, co.toJSON()) // after a restart: ExposureEvaluator.fromJSON(saved, options)
 */
export class ExposureEvaluator {
  readonly factor: FactorId
  readonly shiftStart: number
  readonly shiftMs: number
  readonly maxSampleIntervalMs: number
  readonly noise: NoiseDoseRule | undefined
  readonly #isNoise: boolean
  #first: number | undefined
  #lastTime: number | undefined
  #lastValue: number | undefined
  #samples = 0
  #duplicates = 0
  #outOfOrder = 0
  #measuredMs = 0
  #gapMs = 0
  #exposure = 0
  #dose = 0
  #actionDose = 0
  #max: number | undefined
  #min: number | undefined
  #longestGapMs = 0
  #maxWindowMean: number | undefined
  #maxWindowAt: number | undefined
  readonly #window: RollingWindow
  readonly #hourWindow: RollingWindow | undefined
  #maxHourMean: number | undefined
  #maxHourMeanAt: number | undefined

  constructor(
    options: ExposureOptions,
    window = new RollingWindow(STEL_WINDOW_MS),
    hourWindow = options.hourMean ? new RollingWindow(HOUR_WINDOW_MS) : undefined,
  ) {
    const shiftHours = options.shiftHours ?? 8
    const maxSampleIntervalMs = options.maxSampleIntervalMs ?? DEFAULT_MAX_SAMPLE_INTERVAL_MS
    if (!Number.isFinite(options.shiftStart)) throw new Error('shiftStart must be epoch milliseconds')
    if (!(shiftHours > 0)) throw new Error(`shiftHours must be positive, got ${shiftHours}`)
    if (!(maxSampleIntervalMs > 0))
      throw new Error(`maxSampleIntervalMs must be positive, got ${maxSampleIntervalMs}`)
    this.factor = options.factor
    this.shiftStart = options.shiftStart
    this.shiftMs = shiftHours * 3_600_000
    this.maxSampleIntervalMs = maxSampleIntervalMs
    this.noise = options.noise
    this.#isNoise = options.factor === 'noise'
    this.#window = window
    this.#hourWindow = hourWindow
  }

  /** Restores an evaluator saved with `toJSON`; `options` are the same as when it was created. */
  static fromJSON(data: ExposureStateData, options: ExposureOptions): ExposureEvaluator {
    if (data.version !== 1) throw new Error(`unknown exposure state version ${String(data.version)}`)
    if (data.factor !== options.factor || data.shiftStart !== options.shiftStart) {
      throw new Error(
        `exposure state of ${data.factor} from ${data.shiftStart} restored as ${options.factor} from ${options.shiftStart}`,
      )
    }
    const evaluator = new ExposureEvaluator(
      options,
      RollingWindow.fromJSON(data.window),
      // An evaluator saved before it kept an hour window starts one empty.
      options.hourMean && data.hourWindow !== undefined ? RollingWindow.fromJSON(data.hourWindow) : undefined,
    )
    evaluator.#first = data.first ?? undefined
    evaluator.#lastTime = data.lastTime ?? undefined
    evaluator.#lastValue = data.lastValue ?? undefined
    evaluator.#samples = data.samples
    evaluator.#duplicates = data.duplicates
    evaluator.#outOfOrder = data.outOfOrder
    evaluator.#measuredMs = data.measuredMs
    evaluator.#gapMs = data.gapMs
    evaluator.#exposure = data.exposure
    evaluator.#dose = data.dose
    evaluator.#actionDose = data.actionDose
    evaluator.#max = data.max ?? undefined
    evaluator.#min = data.min ?? undefined
    evaluator.#longestGapMs = data.longestGapMs ?? data.gapMs
    evaluator.#maxWindowMean = data.maxWindowMean ?? undefined
    evaluator.#maxWindowAt = data.maxWindowAt ?? undefined
    evaluator.#maxHourMean = data.maxHourMean ?? undefined
    evaluator.#maxHourMeanAt = data.maxHourMeanAt ?? undefined
    return evaluator
  }

  /** Time of the last accepted reading, for the sensor-offline check. */
  get lastTime(): number | undefined {
    return this.#lastTime
  }

  /** Takes one reading in the canonical unit; `time` in epoch ms. */
  observe(time: number, value: number): ObserveOutcome {
    if (time < this.shiftStart) return 'before-shift'
    const previousTime = this.#lastTime
    const previousValue = this.#lastValue
    if (previousTime !== undefined && time === previousTime) {
      this.#duplicates++
      return 'duplicate'
    }
    if (previousTime !== undefined && time < previousTime) {
      this.#outOfOrder++
      return 'out-of-order'
    }
    if (previousTime === undefined || previousValue === undefined) {
      this.#first = time
      this.#gapMs += time - this.shiftStart
      this.#longestGapMs = Math.max(this.#longestGapMs, time - this.shiftStart)
    } else {
      this.#credit(previousTime, time, previousValue)
    }
    this.#lastTime = time
    this.#lastValue = value
    this.#samples++
    if (this.#max === undefined || value > this.#max) this.#max = value
    if (this.#min === undefined || value < this.#min) this.#min = value
    return 'accepted'
  }

  summary(): ExposureSummary {
    const measuredMs = this.#measuredMs
    const elapsedMs = measuredMs + this.#gapMs
    const base = {
      factor: this.factor,
      samples: this.#samples,
      duplicates: this.#duplicates,
      outOfOrder: this.#outOfOrder,
      firstTime: this.#first,
      lastTime: this.#lastTime,
      lastValue: this.#lastValue,
      max: this.#max,
      min: this.#min,
      measurement: this.#measurement(elapsedMs),
      measuredHours: measuredMs / 3_600_000,
      elapsedHours: elapsedMs / 3_600_000,
      coverage: elapsedMs > 0 ? measuredMs / elapsedMs : 0,
      stel: this.#lastTime === undefined ? undefined : this.#windowMeanAt(this.#lastTime),
      maxStel: this.#maxWindowMean,
      maxStelAt: this.#maxWindowAt,
      ...this.#hourFigures(),
    }
    if (measuredMs === 0) return base
    const projectedMs = Math.max(this.shiftMs, elapsedMs)
    const meanRate = this.#exposure / measuredMs
    if (!this.#isNoise) {
      if (!hasTimeWeightedAverage(this.factor)) return { ...base, mean: meanRate }
      return {
        ...base,
        mean: meanRate,
        twa: this.#exposure / REFERENCE_MS,
        projectedTwa: (meanRate * projectedMs) / REFERENCE_MS,
      }
    }
    const laeq = energyLevel(meanRate)
    const noise = {
      ...base,
      mean: laeq,
      // LAeq over the measured time Te, as ISO 9612 takes it: the unmeasured rest of the 8 h adds nothing.
      lex8h: lex8h(laeq, measuredMs),
      projectedLex8h: lex8h(laeq, projectedMs),
    }
    const rule = this.noise
    if (rule === undefined) return noise
    const dosePercent = 100 * this.#dose
    const projectedDosePercent = (100 * this.#dose * projectedMs) / measuredMs
    return {
      ...noise,
      twa: doseLevel(dosePercent, rule),
      projectedTwa: doseLevel(projectedDosePercent, rule),
      dosePercent,
      projectedDosePercent,
      actionDosePercent: 100 * this.#actionDose,
      actionDoseLimitPercent:
        rule.actionLevel === undefined ? undefined : levelToDosePercent(rule.actionLevel.value, rule),
    }
  }

  toJSON(): ExposureStateData {
    return {
      version: 1,
      factor: this.factor,
      shiftStart: this.shiftStart,
      first: this.#first ?? null,
      lastTime: this.#lastTime ?? null,
      lastValue: this.#lastValue ?? null,
      samples: this.#samples,
      duplicates: this.#duplicates,
      outOfOrder: this.#outOfOrder,
      measuredMs: this.#measuredMs,
      gapMs: this.#gapMs,
      exposure: this.#exposure,
      dose: this.#dose,
      actionDose: this.#actionDose,
      max: this.#max ?? null,
      min: this.#min ?? null,
      longestGapMs: this.#longestGapMs,
      maxWindowMean: this.#maxWindowMean ?? null,
      maxWindowAt: this.#maxWindowAt ?? null,
      window: this.#window.toJSON(),
      ...(this.#hourWindow && {
        hourWindow: this.#hourWindow.toJSON(),
        maxHourMean: this.#maxHourMean ?? null,
        maxHourMeanAt: this.#maxHourMeanAt ?? null,
      }),
    }
  }

  /** Counts `value` from `from` until `to`, or until it has stood for the max sample interval. */
  #credit(from: number, to: number, value: number): void {
    const heldMs = Math.min(to - from, this.maxSampleIntervalMs)
    const weighted = this.#isNoise ? soundEnergy(value) : value
    this.#measuredMs += heldMs
    this.#gapMs += to - from - heldMs
    this.#longestGapMs = Math.max(this.#longestGapMs, to - from - heldMs)
    this.#exposure += weighted * heldMs
    const rule = this.noise
    if (this.#isNoise && rule !== undefined) {
      this.#dose += doseRate(value, rule) * heldMs
      this.#actionDose += doseRate(value, rule, rule.actionThreshold?.value ?? rule.threshold?.value) * heldMs
    }
    this.#window.add(from, from + heldMs, weighted)
    this.#hourWindow?.add(from, from + heldMs, weighted)
    const first = this.#first
    if (first === undefined || to - first < STEL_WINDOW_MS) return
    const mean = this.#windowMeanAt(to)
    if (mean !== undefined && (this.#maxWindowMean === undefined || mean > this.#maxWindowMean)) {
      this.#maxWindowMean = mean
      this.#maxWindowAt = to
    }
    if (this.#hourWindow === undefined || to - first < HOUR_WINDOW_MS) return
    const hourMean = this.#windowMeanAt(to, this.#hourWindow)
    if (hourMean !== undefined && (this.#maxHourMean === undefined || hourMean > this.#maxHourMean)) {
      this.#maxHourMean = hourMean
      this.#maxHourMeanAt = to
    }
  }

  #measurement(elapsedMs: number): Measurement {
    const last = this.#lastTime
    const measurement = {
      measuredMs: this.#measuredMs,
      elapsedMs,
      shiftMs: this.shiftMs,
      longestGapMs: this.#longestGapMs,
      stelWindowMs: this.#window.windowMs,
      stelMeasuredMs: last === undefined ? 0 : this.#window.totalsAt(last).measuredMs,
    }
    if (this.#hourWindow === undefined) return measurement
    return {
      ...measurement,
      hourWindowMs: this.#hourWindow.windowMs,
      hourMeasuredMs: last === undefined ? 0 : this.#hourWindow.totalsAt(last).measuredMs,
    }
  }

  #hourFigures(): Pick<ExposureSummary, 'hourMean' | 'maxHourMean' | 'maxHourMeanAt'> {
    if (this.#hourWindow === undefined || this.#lastTime === undefined) return {}
    return {
      hourMean: this.#windowMeanAt(this.#lastTime, this.#hourWindow),
      maxHourMean: this.#maxHourMean,
      maxHourMeanAt: this.#maxHourMeanAt,
    }
  }

  /** Mean over `window` ending at `at`; none when less than half of the window was measured. */
  #windowMeanAt(at: number, window = this.#window): number | undefined {
    const { sum, measuredMs } = window.totalsAt(at)
    if (measuredMs < MIN_WINDOW_COVERAGE * window.windowMs) return undefined
    return this.#isNoise ? energyLevel(sum / measuredMs) : sum / measuredMs
  }
}
