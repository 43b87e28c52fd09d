/**
 * Exit codes: 0 success, 1 the operation failed, 2 the command line was wrong, 3 the operation ended
 * but the configuration database refused its record (disk full); the next start writes it.
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_RECORD_UNSAVED = 3;

/** A command's result: the exit code it wants. */
export type CommandResult = number | void;

/** Wraps a command's action: its result becomes the exit code, a thrown error is printed and exits 1. */
export type ActionWrapper = <A extends unknown[]>(action: (...args: A) => Promise<CommandResult> | CommandResult) => (...args: A) => Promise<void>;
