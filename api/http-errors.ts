import { STATUS_CODES } from 'node:http'

/** An error whose status and message reach the client as they are (4xx only: 5xx messages are hidden). */
export class HttpError extends Error {
  override name = 'HttpError'
  readonly statusCode: number
  constructor(statusCode: number, message: string) {
    super(message)
    this.statusCode = statusCode
  }
}

export const notFound = (message: string) => new HttpError(404, message)
export const badRequest = (message: string) => new HttpError(400, message)

export function errorBody(statusCode: number, message: string) {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message }
}
