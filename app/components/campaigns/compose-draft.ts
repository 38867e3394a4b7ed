import { useEffect, useMemo, useState } from "react";
import { useFetcher } from "@remix-run/react";
import type { ComposeEstimate } from "../../admin/campaigns.server";
import { composeBody } from "../../messaging/compliance";
import { encodeSms } from "../../messaging/sms-encoding";
import { PREVIEW_VALUES, renderTemplate } from "../../messaging/template";

export type When = "now" | "schedule";

/** The compose form's fields, and the text a shopper would get for the current body. */
export function useComposeDraft(options: { segmentId: string; defaultScheduledAt: string; senderName: string }) {
  const [name, setName] = useState("");
  const [segmentId, setSegmentId] = useState(options.segmentId);
  const [body, setBody] = useState("");
  const [when, setWhen] = useState<When>("now");
  const [scheduledAt, setScheduledAt] = useState(options.defaultScheduledAt);
  const preview = useMemo(() => {
    const rendered = renderTemplate(body, { ...PREVIEW_VALUES, shop_name: options.senderName });
    return composeBody({
      body: rendered,
      senderName: options.senderName,
      purpose: "marketing",
      firstMessage: true,
      numberCountry: null,
    });
  }, [body, options.senderName]);
  const encoding = encodeSms(body.trim() ? preview : "");
  return {
    name,
    setName,
    segmentId,
    setSegmentId,
    body,
    setBody,
    when,
    setWhen,
    scheduledAt,
    setScheduledAt,
    preview,
    encoding,
  };
}

export type ComposeDraft = ReturnType<typeof useComposeDraft>;

/** Asks the server for a fresh estimate whenever the segment, text or time changes (debounced). */
export function useEstimate({ segmentId, body, when, scheduledAt }: ComposeDraft) {
  const fetcher = useFetcher<{ estimate: ComposeEstimate | null }>();
  const { submit } = fetcher;
  useEffect(() => {
    if (!segmentId || !body.trim()) return;
    const timer = setTimeout(
      () => submit({ intent: "estimate", segmentId, body, when, scheduledAt }, { method: "post" }),
      400,
    );
    return () => clearTimeout(timer);
  }, [segmentId, body, when, scheduledAt, submit]);
  const value = fetcher.data && "estimate" in fetcher.data && segmentId && body.trim() ? fetcher.data.estimate : null;
  return { value, loading: fetcher.state !== "idle" };
}
