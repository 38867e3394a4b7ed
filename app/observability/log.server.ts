/**
 * Structured logs: one JSON object per line ({level, msg, time, ...fields}) on stdout
 * (debug, info) or stderr (warn, error), filtered by LOG_LEVEL (default "info").
 *
 * Logs leave the app's privacy boundary (log shippers, support tickets), so every line is
 * redacted before it is written: fields named like personal data (phone, names, e-mail,
 * address, message text) are replaced, and any string that looks like a phone number or an
 * e-mail address is masked wherever it appears, including in `msg` and error messages.
 * Log ids (shop domain, message id, webhook id), never the people behind them.
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

function threshold(): number {
  const level = process.env.LOG_LEVEL as LogLevel | undefined;
  return RANK[level && level in RANK ? level : "info"];
}

function write(level: LogLevel, msg: string, fields: LogFields = {}): void {
  if (RANK[level] < threshold()) return;
  const line = JSON.stringify({
    level,
    msg: redactText(msg),
    time: new Date().toISOString(),
    ...(redact(fields) as LogFields),
  });
  (RANK[level] >= RANK.warn ? process.stderr : process.stdout).write(`${line}\n`);
}

export const log = {
  debug: (msg: string, fields?: LogFields) => write("debug", msg, fields),
  info: (msg: string, fields?: LogFields) => write("info", msg, fields),
  warn: (msg: string, fields?: LogFields) => write("warn", msg, fields),
  error: (msg: string, fields?: LogFields) => write("error", msg, fields),
};

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
