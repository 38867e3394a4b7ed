import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { twilioSignature } from "../../app/sms/twilio-signature";

export interface ReceivedSms {
  accountSid: string;
  params: Record<string, string>;
  sid: string;
  at: Date;
}

/** Twilio's Message resource (the fields Twilio documents, as it formats them). */
const resource = (m: ReceivedSms) => ({
  sid: m.sid,
  account_sid: m.accountSid,
  to: m.params.To,
  from: m.params.From ?? null,
  messaging_service_sid: m.params.MessagingServiceSid ?? null,
  body: m.params.Body,
  status: "queued",
  direction: "outbound-api",
  num_segments: "1",
  api_version: "2010-04-01",
  date_created: m.at.toUTCString(),
  date_updated: m.at.toUTCString(),
  date_sent: null,
  error_code: null,
  error_message: null,
  price: null,
  price_unit: "USD",
  uri: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}.json`,
});

type Scripted = { status: number; body: Record<string, unknown>; headers?: Record<string, string> };
/** What a misbehaving provider does with one request: an error answer, no answer, or accept without answering. */
export type Fault = Scripted | "hang" | "accept-and-hang";

/**
 * A local server speaking Twilio's Messages API (2010-04-01): basic auth against the
 * account's auth token, form-encoded sends, 201 with a Twilio-shaped message resource, and
 * Twilio's JSON error bodies. Failures can be scripted for the next sends. It signs the
 * callbacks it makes (status, inbound) the way Twilio does.
 */
export async function startTwilioServer(accounts: Record<string, string>, o: { now?: () => Date } = {}) {
  const received: ReceivedSms[] = [];
  const script: Scripted[] = [];
  let misbehave: ((method: string) => Fault | undefined) | null = null;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "Content-Type": "application/json", ...headers }).end(JSON.stringify(body));
      };
      const url = new URL(req.url ?? "/", "http://x");
      const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/i.exec(url.pathname);
      if (!match || !["POST", "GET"].includes(req.method ?? ""))
        return reply(404, { code: 20404, message: "The requested resource was not found", status: 404 });
      const accountSid = match[1]!;
      const [user, pass] = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64")
        .toString()
        .split(":");
      if (user !== accountSid || !accounts[accountSid] || pass !== accounts[accountSid]) {
        return reply(401, {
          code: 20003,
          message: "Authenticate",
          more_info: "https://www.twilio.com/docs/errors/20003",
          status: 401,
        });
      }
      const fault = misbehave?.(req.method!);
      if (fault === "hang") return; // the connection stays open, unanswered
      if (fault && fault !== "accept-and-hang") return reply(fault.status, fault.body, fault.headers);
      if (req.method === "GET") {
        // Message list, newest first, filtered by To (the subset of Twilio's filters we use).
        const to = url.searchParams.get("To");
        const messages = received
          .filter((m) => m.accountSid === accountSid && (!to || m.params.To === to))
          .reverse()
          .map(resource);
        return reply(200, {
          messages,
          page: 0,
          page_size: Number(url.searchParams.get("PageSize") ?? 50),
          first_page_uri: url.pathname,
          next_page_uri: null,
          previous_page_uri: null,
          uri: url.pathname,
        });
      }
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
      if (!params.To || !params.Body || !(params.From || params.MessagingServiceSid)) {
        return reply(400, {
          code: 21604,
          message: "A 'To' phone number, a 'Body' and a 'From' are required.",
          status: 400,
        });
      }
      const scripted = script.shift();
      if (scripted) return reply(scripted.status, scripted.body, scripted.headers);
      const sms: ReceivedSms = {
        accountSid,
        params,
        sid: `SM${randomBytes(16).toString("hex")}`,
        at: o.now?.() ?? new Date(),
      };
      received.push(sms);
      if (fault === "accept-and-hang") return; // taken, but the answer never comes
      reply(201, resource(sms));
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    /** Until called with null, each request (send or lookup) first asks `fault` what to do. */
    misbehave(fault: ((method: string) => Fault | undefined) | null) {
      misbehave = fault;
    },
    /** The next sends answer with these instead of accepting. */
    failNext(...responses: Scripted[]) {
      script.push(...responses);
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

export const twilioError = (
  status: number,
  code: number,
  message: string,
  headers?: Record<string, string>,
): Scripted => ({
  status,
  body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
  headers,
});

/** A callback request (status or inbound) as Twilio makes it: form-encoded, signed. */
export function twilioCallback(url: string, authToken: string, params: Record<string, string>): Request {
  return new Request(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Twilio-Signature": twilioSignature(authToken, url, params),
    },
    body: new URLSearchParams(params),
  });
}
