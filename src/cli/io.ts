/** What the command line needs from its process, passed in so tests can run it in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Relative paths on the command line and in the output are relative to this directory. */
  readonly cwd: string;
  /** Whether stdout is a terminal; colours are used only then. */
  readonly isTTY: boolean;
  /** Environment variables; only `NO_COLOR` is read. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface Palette {
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly blue: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
  readonly underline: (text: string) => string;
}

function ansi(open: number, close: number): (text: string) => string {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

const plain = (text: string) => text;

const COLOURS: Palette = {
  red: ansi(31, 39),
  yellow: ansi(33, 39),
  blue: ansi(34, 39),
  dim: ansi(2, 22),
  bold: ansi(1, 22),
  underline: ansi(4, 24),
};

const NO_COLOURS: Palette = { red: plain, yellow: plain, blue: plain, dim: plain, bold: plain, underline: plain };

/** Colours only on a terminal, and never when `NO_COLOR` is set to anything but the empty string (no-color.org). */
export function paletteFor(io: CliIo): Palette {
  const noColor = io.env?.NO_COLOR;
  return io.isTTY && (noColor === undefined || noColor === '') ? COLOURS : NO_COLOURS;
}
