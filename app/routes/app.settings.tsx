import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Layout, Page } from "@shopify/polaris";
import { requireShop } from "../admin/auth.server";
import { badRequest, invalid } from "../admin/form-result";
import { formFields, type FieldErrors } from "../field-errors";
import {
  connectTwilio,
  hhmmOf,
  providerView,
  rulesInForce,
  saveDisclosure,
  saveHelp,
  saveSendingRules,
  sendTestSms,
} from "../admin/settings.server";
import db from "../db.server";
import { providers, clock } from "../runtime/services.server";
import { shopifyAdminGraphql } from "../runtime/shopify-admin-graphql.server";
import { queue } from "../runtime/job-engine.server";
import { startSync } from "../sync/run.server";
import { syncReport } from "../sync/report.server";
import { HistorySection } from "../components/settings/HistorySection";
import { ProviderSection, TestSendSection } from "../components/settings/ProviderSection";
import { RulesInForceSection, SendingRulesSection } from "../components/settings/SendingRulesSection";
import type { Intent, Outcome } from "../components/settings/settings-form";
import { DisclosureSection, HelpSection } from "../components/settings/ShopTextsSections";
import { usePollWhile } from "../components/usePollWhile";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const s = shop.settings;
  return {
    provider: await providerView(providers, shop),
    rules: {
      senderName: s.senderName ?? "",
      quietStart: hhmmOf(s.quietHoursStartMinute),
      quietEnd: hhmmOf(s.quietHoursEndMinute),
      frequencyCapCount: String(s.frequencyCapCount),
      frequencyCapHours: String(s.frequencyCapHours),
      attributionClickDays: String(s.attributionClickDays),
      attributionSendHours: String(s.attributionSendHours),
    },
    defaultSender: shop.name ?? shop.domain,
    disclosureText: s.disclosureText ?? "",
    disclosurePublishedAt: s.disclosurePublishedAt,
    rulesInForce: rulesInForce(s),
    help: {
      contactInfo: s.contactInfo ?? "",
      helpText: s.helpText ?? "",
      providerAnswersHelp: s.providerAnswersHelp,
      defaultContact: shop.email ?? `https://${shop.domain}`,
    },
    timeZone: shop.ianaTimezone,
    sync: await syncReport(db, shop.id, clock.now()),
  };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const fields = formFields(await request.formData());
  const intent = fields.intent as Intent;
  // Every settings function answers { errors } (400, shown under the fields) or success, maybe with a warning.
  const answer = (result: object, notice: string) => {
    const { errors, warning } = result as { errors?: FieldErrors; warning?: string };
    return errors ? invalid(errors, { intent }) : ({ intent, notice, warning } satisfies Outcome);
  };
  switch (intent) {
    case "rules":
      return answer(await saveSendingRules(db, shop.id, fields), "Sending rules saved.");
    case "help":
      return answer(await saveHelp(db, shop.id, fields), "HELP reply saved.");
    case "disclosure": {
      const result = await saveDisclosure({
        deps: { db, admin: shopifyAdminGraphql },
        shopId: shop.id,
        fields,
        now: clock.now(),
      });
      return answer(
        result,
        "published" in result && result.published ? "Disclosure saved and published to checkout." : "Disclosure saved.",
      );
    }
    case "twilio":
      return answer(await connectTwilio(providers, shop, fields), "Twilio connected: texts now go through Twilio.");
    case "outbox":
      await providers.useOutbox(shop.id);
      return answer({}, "Switched to the local outbox: texts stay in the app. The Twilio credentials were deleted.");
    case "test": {
      const result = await sendTestSms(providers, shop, fields);
      return answer(
        result,
        "errors" in result ? "" : `Test text accepted by ${result.provider} (${result.providerMessageId}).`,
      );
    }
    case "sync": {
      const { created } = await startSync({ db, queue, clock: clock }, shop.id, { reason: "settings" });
      return answer({}, created ? "History import started." : "An import is already running.");
    }
    default:
      return badRequest("Unknown action");
  }
};

export default function Settings() {
  const d = useLoaderData<typeof loader>();
  usePollWhile(d.sync?.status === "RUNNING" || d.sync?.status === "SEGMENTS");
  const outcome = useActionData<typeof action>() as Outcome | undefined;
  const busy = useNavigation().state !== "idle";
  const state = { outcome, busy };
  return (
    <Page title="Settings">
      <Layout>
        <ProviderSection provider={d.provider} {...state} />
        <TestSendSection {...state} />
        <SendingRulesSection rules={d.rules} defaultSender={d.defaultSender} timeZone={d.timeZone} {...state} />
        <RulesInForceSection rules={d.rulesInForce} />
        <HistorySection sync={d.sync} timeZone={d.timeZone} outcome={outcome} />
        <HelpSection help={d.help} {...state} />
        <DisclosureSection
          text={d.disclosureText}
          publishedAt={d.disclosurePublishedAt}
          timeZone={d.timeZone}
          {...state}
        />
      </Layout>
    </Page>
  );
}
