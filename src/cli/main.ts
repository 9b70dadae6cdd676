/**
 * `hcc-cds <command>`: one entry point for the command-line tools; each command lives in its own module
 * under ./commands and exports `run(args, io)`, returning the process exit code.
 */

/** Streams a command writes to (injected so tests capture output). */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** A command module. */
export interface CliCommand {
  readonly summary: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Exit codes fit for scripts. */
export const EXIT = { ok: 0, failure: 1, usage: 2, badInput: 3 } as const;

const COMMANDS: Readonly<Record<string, string>> = {
  facts: './commands/facts',
  evaluate: './commands/evaluate',
  kb: './commands/kb',
  'demo-fhir': './commands/demo-fhir',
  site: './commands/site',
};

function loadCommand(name: string): CliCommand | undefined {
  const path = COMMANDS[name];
  if (path === undefined) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path) as { command: CliCommand }).command;
}

function usage(): string {
  const lines = Object.keys(COMMANDS).map((name) => `  ${name.padEnd(10)} ${loadCommand(name)?.summary ?? ''}`);
  return ['usage: hcc-cds <command> [options]', '', 'commands:', ...lines, ''].join('\n');
}

/** Runs the CLI with the given arguments and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = loadCommand(name);
  if (command === undefined) {
    io.err(`hcc-cds: unknown command '${name}'\n${usage()}`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    io.err(`hcc-cds ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failure;
  }
}
