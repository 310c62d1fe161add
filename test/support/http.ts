/**
 * A JSON caller of a running API over HTTP, as the process tests use it: `base()` and `token()` are read at
 * each call, since the tests learn the API's address and the key after they start it.
 */
export function httpCaller(base: () => string, token: () => string) {
  return async (method: string, path: string, body?: object) => {
    const response = await fetch(`${base()}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body && JSON.stringify(body),
    })
    return { status: response.status, body: await response.json().catch(() => undefined) }
  }
}
