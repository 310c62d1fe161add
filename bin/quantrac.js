#!/usr/bin/env node
// The `quantrac` command's entry, in plain JavaScript: quantrac is TypeScript that Node runs directly only from
// version 24 (type stripping on by default), and an older Node fails on the first `.ts` import with
// ERR_UNKNOWN_FILE_EXTENSION before any line of ours could say why. So this file checks the version first.
const REQUIRED_MAJOR = 24
const major = Number(process.versions.node.split('.')[0])

if (major < REQUIRED_MAJOR) {
  process.stderr.write(
    [
      `quantrac needs Node.js ${REQUIRED_MAJOR} or newer; this is v${process.versions.node} (${process.execPath}).`,
      'Get Node.js 24 from https://nodejs.org/en/download (or with a version manager: `nvm install 24`,',
      '`fnm install 24`), then run the command again; `node --version` should print v24 or later.',
      '',
    ].join('\n'),
  )
  process.exit(1)
}

await import('./quantrac.ts')
