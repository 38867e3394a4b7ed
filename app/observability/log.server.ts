import { AsyncLocalStorage } from "node:async_hooks";
import { pino, type Logger } from "pino";

/**
 * Structured logs through pino: one JSON object per line ({level, time, msg, ...fields}) on
 * stdout (debug, info) or stderr (warn, error), filtered by LOG_LEVEL (default "info").
 *
 * Logs leave the app's privacy boundary (log shippers, support tickets), so every line is
 * redacted before it is written: fields named like personal data (phone, names, e-mail,
 * address, message text) are replaced, and any string that looks like a phone number or an
 * e-mail address is masked wherever it appears, including in `msg`, child-logger bindings and
 * error messages. pino's own `redact` option works on fixed paths; personal data can sit at
 * any depth under many names, so the app's redactor runs in pino's formatters instead.
 * Log ids (shop domain, message id, webhook id), never the people behind them.
 *
 * `withLogContext({ queue, jobId }, fn)` runs `fn` with a child logger: every line written
 * inside it, at any depth of the call stack, carries those bindings (a job, a request).
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
export const LOG_LEVELS = Object.keys(RANK) as LogLevel[];

/** Field names whose values are personal data or message text: never logged. */
const PII_KEYS = new Set(
  [
    "phone",
    "phoneRaw",
    "phoneNumber",
    "to",
    "from",
    "mobile",
    "name",
    "firstName",
    "lastName",
    "fullName",
    "first_name",
    "last_name",
    "customerName",
    "email",
    "emailAddress",
    "address",
    "address1",
    "address2",
    "street",
    "zip",
    "postcode",
    "body",
    "text",
    "smsBody",
    "messageBody",
  ].map((k) => k.toLowerCase()),
);

// An E.164 number, a formatted national number (212-555-0123, (212) 555 0123), or any run
// of 7+ digits standing alone (Shopify ids are masked too: a digit run cannot be told apart
// from a phone; digits inside a token such as a UUID are not).
const PHONE_LIKE = /\+\d[\d\s().-]{5,}\d|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b|(?<![\w-])\d{7,}(?![\w-])/g;
const EMAIL_LIKE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

export const REDACTED = "[redacted]";

/** Masks phone numbers and e-mail addresses inside free text. */
export function redactText(text: string): string {
  return text.replace(EMAIL_LIKE, "[email]").replace(PHONE_LIKE, "[phone]");
}

/** A copy of `value` that is safe to log (see the module comment). */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > 5) return "[deep]";
  if (value instanceof Error) {
    // The class says what kind of failure it was; the message may quote input, so it is masked.
    return { errorClass: value.constructor.name, message: redactText(value.message) };
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      PII_KEYS.has(k.toLowerCase()) && v != null ? REDACTED : redact(v, depth + 1),
    ]),
  );
}

function levelFromEnv(): LogLevel {
  const level = process.env.LOG_LEVEL as LogLevel | undefined;
  return level && level in RANK ? level : "info";
}

// warn and error go to stderr, like the console: process managers and tests tell them apart.
const byLevel = {
  write(line: string) {
    const warnOrWorse = line.startsWith('{"level":"warn"') || line.startsWith('{"level":"error"');
    (warnOrWorse ? process.stderr : process.stdout).write(line);
  },
};

const root: Logger = pino(
  {
    level: levelFromEnv(),
    base: undefined,
    messageKey: "msg",
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (fields) => redact(fields) as Record<string, unknown>,
    },
  },
  byLevel,
);

const context = new AsyncLocalStorage<Logger>();

function current(): Logger {
  // LOG_LEVEL is read on each line, so an operator (or a test) can change it without a restart.
  const level = levelFromEnv();
  if (root.level !== level) root.level = level;
  const scoped = context.getStore();
  if (scoped && scoped.level !== level) scoped.level = level;
  return scoped ?? root;
}

const write =
  (level: LogLevel) =>
  (msg: string, fields: LogFields = {}) =>
    current()[level](fields, redactText(msg));

export const log = {
  debug: write("debug"),
  info: write("info"),
  warn: write("warn"),
  error: write("error"),
};

/** Runs `fn` with every log line inside it carrying `bindings` (redacted like any field). */
export function withLogContext<T>(bindings: LogFields, fn: () => T): T {
  return context.run(current().child(redact(bindings) as LogFields), fn);
}

/** What kind of failure, for a log field: the class name and a masked message. */
export const errorFields = (error: unknown) =>
  error instanceof Error
    ? { errorClass: error.constructor.name, error: redactText(error.message) }
    : // pg-boss also reports plain objects ({ message, ... }): their message, not "[object Object]".
      {
        errorClass: typeof error,
        error: redactText(
          typeof error === "object" && error && "message" in error ? String(error.message) : String(error),
        ),
      };

/**
 * The Shopify libraries' lines (@shopify/shopify-api and shopify-app-remix: "Redirecting login
 * request to …", a failed token exchange, a GraphQL error), given to them as their `logger.log`.
 * Left to themselves they write with console, outside the redactor and outside the JSON lines;
 * here they are the app's own lines. Their severities are LogSeverity's: 0 error, 1 warning,
 * 2 info, 3 debug.
 */
export function shopifyLibraryLog(severity: number, message: string): void {
  const level: LogLevel = (["error", "warn", "info", "debug"] as const)[severity] ?? "info";
  log[level](message, { source: "shopify-library" });
}
