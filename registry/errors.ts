/** Something with that id exists already. */
export class ConflictError extends Error {
  override name = 'ConflictError'
}

/** Something the request refers to does not exist. */
export class NotFoundError extends Error {
  override name = 'NotFoundError'
}
