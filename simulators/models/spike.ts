/**
 * A transient excursion such as a gas leak or a dust puff: it rises smoothly to `peak` over `riseMs`,
 * then decays exponentially with time constant `decayMs` as ventilation clears it.
 */
export interface Spike {
  readonly startMs: number
  readonly riseMs: number
  readonly peak: number
  readonly decayMs: number
}

export function spikeValue(spike: Spike, timeMs: number): number {
  const sinceStart = timeMs - spike.startMs
  if (sinceStart <= 0) return 0
  if (sinceStart < spike.riseMs) {
    const x = sinceStart / spike.riseMs
    return spike.peak * x * x * (3 - 2 * x)
  }
  return spike.peak * Math.exp(-(sinceStart - spike.riseMs) / spike.decayMs)
}

/** After about seven time constants a spike is below 0.1 % of its peak: nothing a sensor would resolve. */
function spikeIsOver(spike: Spike, timeMs: number): boolean {
  return timeMs > spike.startMs + spike.riseMs + 7 * spike.decayMs
}

/** Sum of the spikes at `timeMs`, dropping from `spikes` those that are over. */
export function sumSpikes(spikes: Spike[], timeMs: number): number {
  let total = 0
  for (let i = spikes.length - 1; i >= 0; i--) {
    const spike = spikes[i] as Spike
    if (spikeIsOver(spike, timeMs)) spikes.splice(i, 1)
    else total += spikeValue(spike, timeMs)
  }
  return total
}
