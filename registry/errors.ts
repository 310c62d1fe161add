/** Something with that id exists already, or its state does not allow what was asked. */
export class ConflictError extends Error {
  override name = 'ConflictError'
}

/** Something the request refers to does not exist. */
export class NotFoundError extends Error {
  override name = 'NotFoundError'
}

/** A value the registry cannot keep, such as a province that is no unit of the list. */
export class InvalidValueError extends Error {
  override name = 'InvalidValueError'
}

/** The registry's database cannot be opened (unreachable, refused, a migration failed): one line at start-up. */
export class RegistryUnavailableError extends Error {
  override name = 'RegistryUnavailableError'
}

/** A write of a partition's state by a worker whose lease is no longer the partition's current one. */
export class FencedError extends Error {
  override name = 'FencedError'
}
