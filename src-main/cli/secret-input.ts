import { readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { AppError } from '../shared/errors.ts';
import type { CliIo } from './output.ts';

/** Reads a line from the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let muted = false;
    const output = new Writable({
      write(chunk, _encoding, done) {
        if (!muted) process.stderr.write(chunk);
        done();
      },
    });
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
    rl.on('SIGINT', () => {
      rl.close();
      reject(new AppError('canceled', 'Canceled.'));
    });
  });
}

/**
 * A secret for the CLI, from (in order) a file, an environment variable, or a prompt when a
 * terminal is attached. Never from a flag value: argv is visible to every user of the machine.
 */
export async function readSecret(options: { file?: string; envName: string; env: NodeJS.ProcessEnv; prompt: string; confirm?: boolean; io: CliIo }): Promise<string> {
  if (options.file) {
    const info = await stat(options.file).catch(() => null);
    if (!info) throw new AppError('not_found', `Cannot read the password file ${options.file}.`);
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      options.io.err(`warning: ${options.file} is readable by other users; chmod 600 it.\n`);
    }
    const text = (await readFile(options.file, 'utf8')).replace(/\r?\n$/, '');
    if (!text) throw new AppError('validation_failed', `The password file ${options.file} is empty.`);
    return text;
  }
  const fromEnv = options.env[options.envName];
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) {
    throw new AppError('validation_failed', `No password given: set ${options.envName}, pass --password-file, or run in a terminal to be asked.`);
  }
  const first = await promptHidden(`${options.prompt}: `);
  if (!first) throw new AppError('validation_failed', 'The password must not be empty.');
  if (options.confirm && (await promptHidden(`${options.prompt} (again): `)) !== first) throw new AppError('validation_failed', 'The passwords do not match.');
  return first;
}
