/**
 * Structured JSON log lines for the service. Callers pass codes, kids,
 * subjects and counts — never a body, header, token, envelope or DEK.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;
export type Logger = (level: LogLevel, msg: string, fields?: LogFields) => void;

export function jsonLogger(write: (line: string) => void = (l) => process.stderr.write(l), now: () => Date = () => new Date()): Logger {
  return (level, msg, fields = {}) => write(JSON.stringify({ time: now().toISOString(), level, msg, ...fields }) + '\n');
}
