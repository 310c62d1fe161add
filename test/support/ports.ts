import { createServer } from 'node:net'

// The OS may hand the same ephemeral port to two calls in a row once the first is released, and a test asking
// for an HTTP and an MQTT port then starts two servers on one number ("port in use" under load). Ports given
// out by this process are not given again.
const given = new Set<number>()

function osPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port)
        else reject(new Error('no port assigned'))
      })
    })
  })
}

/** A TCP port on 127.0.0.1 that was free a moment ago and that this process has not handed out before. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await osPort()
    if (!given.has(port)) {
      given.add(port)
      return port
    }
  }
}
