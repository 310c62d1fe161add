import { execFile } from 'node:child_process'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository's root: commands run from here, as a user runs them from their clone. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url))
/** The `quantrac` command as package.json's `bin` and `npm start` run it. */
export const QUANTRAC = ['bin/quantrac.js']
/** PATH with this Node first, so `npm` and `npx` in a test run on it. */
export const NODE_PATH = `${dirname(process.execPath)}:${process.env.PATH ?? ''}`

export interface CommandResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs a command to its end and returns its exit code and output, whatever the code. */
export function runCommand(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd ?? REPO,
        env: { ...process.env, PATH: NODE_PATH, ...env },
        timeout: options.timeoutMs ?? 60_000,
      },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/** `node bin/quantrac.js …args`. */
export function quantrac(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  return runCommand(process.execPath, [...QUANTRAC, ...args], env)
}

/** The `KEY=value` lines of a shell env file such as data/demo-keys.env. */
export function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  )
}
