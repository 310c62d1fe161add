import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/**
 * A throw-away certificate authority and a server certificate it signed for 127.0.0.1 and localhost,
 * made with the machine's openssl in `dir`: ca.pem, server.pem, server.key.
 */
export async function makeTestCertificates(dir: string) {
  // Arguments as one line of words, then any argument with spaces.
  const openssl = (words: string, ...more: string[]) =>
    run('openssl', [...words.split(' '), ...more], { cwd: dir })
  await openssl('ecparam -name prime256v1 -genkey -noout -out ca.key')
  await openssl('req -x509 -new -key ca.key -out ca.pem -days 2 -subj', '/CN=quantrac test CA')
  await openssl('ecparam -name prime256v1 -genkey -noout -out server.key')
  await openssl('req -new -key server.key -out server.csr -subj /CN=localhost')
  await writeFile(
    join(dir, 'server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  )
  await openssl(
    'x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext',
  )
  return { ca: join(dir, 'ca.pem'), cert: join(dir, 'server.pem'), key: join(dir, 'server.key') }
}
