import { type ParseArgsOptionsConfig, parseArgs } from 'node:util'

export interface CommandIo {
  stdout(text: string): void
  stderr(text: string): void
}

export const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
}

export type ParsedCommandLine<O extends ParseArgsOptionsConfig> =
  | {
      exitCode: undefined
      values: ReturnType<typeof parseArgs<{ options: O }>>['values']
      positionals: string[]
    }
  | { exitCode: 0 | 2 }

/**
 * Reads a command's flags before it does anything: `--help` prints `usage` on stdout (exit 0, nothing started);
 * an unknown flag or a stray argument prints the problem and `usage` on stderr (exit 2).
 */
export function parseCommandLine<O extends ParseArgsOptionsConfig>(
  command: string,
  usage: string,
  argv: string[],
  options: O,
  io: CommandIo = processIo,
  { positionals = false } = {},
): ParsedCommandLine<O> {
  let parsed: { values: Record<string, unknown>; positionals: string[] }
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: positionals,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
    })
  } catch (err) {
    io.stderr(`quantrac ${command}: ${(err as Error).message}\n\n${usage}`)
    return { exitCode: 2 }
  }
  if (parsed.values.help === true) {
    io.stdout(usage)
    return { exitCode: 0 }
  }
  return {
    exitCode: undefined,
    values: parsed.values as ReturnType<typeof parseArgs<{ options: O }>>['values'],
    positionals: parsed.positionals,
  }
}
