/**
 * The time-series store cannot be reached or is failing (network error, 5xx): a reader should say "try again
 * later" (HTTP 503), not "internal error". Data it refuses as invalid is not this.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError'
}
