import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY, HOUR, MINUTE } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { performance } from "../../app/attribution/attribute.server";
import { recordClick } from "../../app/tracking/links.server";
import { previewMessage } from "../../app/messaging/preview";
import { editPayload, fromStepForm, toStepForm } from "../../app/components/flows/editor-state";
import { BUILT_IN_FLOWS } from "../../app/flows/builtins.server";
import { action as listAction, loader as listLoader } from "../../app/routes/app.flows._index";
import { action as editAction, loader as editLoader } from "../../app/routes/app.flows.$id";
import { action as newAction, loader as newLoader } from "../../app/routes/app.flows.new";
import { AdminClient } from "../support/admin-pages";
import { TestShop, uniqueShop } from "../support/app";
import { customerPayload, orderPayload } from "../support/fixtures";

let phone = 7000 + (process.pid % 1000);

/** A shop whose clock is a few days back from today at 11:00 in San Francisco: inside the list's 30 days and outside quiet hours. */
async function shopWithAdmin(label: string) {
  const start = new Date(Date.now() - 3 * DAY);
  start.setUTCHours(19, 0, 0, 0);
  const shop = new TestShop(uniqueShop(label), start);
  const { id: shopId } = await ensureShop(db, shop.domain);
  const flow = await db.flow.findUniqueOrThrow({ where: { shopId_key: { shopId, key: "abandoned-checkout" } } });
  return { shop, shopId, flow, admin: new AdminClient(shop.domain) };
}

/** The flow turned on from the list, and one subscriber abandons a checkout: a run waits for its reminder. */
async function abandonerInFlow(shop: TestShop, admin: AdminClient, flowId: string) {
  await admin.act(listAction, "/app/flows", { flowId, enabled: "true" });
  const customer = subscriber(shop.clock.now());
  await shop.deliver("customers/create", customer);
  return { customer, checkout: await shop.abandonCheckout(customer) };
}

const subscriber = (at: Date) =>
  customerPayload({ updatedAt: at, smsState: "subscribed", phone: `+1415555${String(++phone).padStart(4, "0")}` });
const flowPath = (id: string) => `/app/flows/${id}`;
const definitionOf = (key: string) => BUILT_IN_FLOWS.find((f) => f.key === key)!.definition;

/** An action's answer as the browser gets it (status included), for refusals answered with data. */
async function statusOfPost(
  admin: AdminClient,
  action: typeof listAction | typeof editAction | typeof newAction,
  path: string,
  form: Record<string, string>,
  params: Record<string, string> = {},
) {
  return admin.statusOf(action({ request: await admin.request(path, { form }), params, context: {} }));
}

describe("flows list", () => {
  it("shows every built-in flow off, with its trigger in words and zero numbers, and an empty list of custom flows", async () => {
    const { admin } = await shopWithAdmin("flows-list-empty");
    const { flows } = await admin.load(listLoader, "/app/flows");
    expect(flows.map((f) => [f.key, f.enabled, f.builtIn])).toEqual(
      expect.arrayContaining(BUILT_IN_FLOWS.map((f) => [f.key, false, true])),
    );
    expect(flows.filter((f) => !f.builtIn)).toEqual([]);
    const abandoned = flows.find((f) => f.key === "abandoned-checkout")!;
    expect(abandoned.trigger).toBe("A shopper enters the “Abandoned checkout” segment");
    expect(abandoned.steps).toEqual(["Send a text", "Wait 1 day", "Send a text"]);
    expect(abandoned.exits).toBe("Stops early when they order, they opt out, they leave the segment.");
    expect(abandoned.performance).toMatchObject({ sent: 0, deliveryRate: 0, cost: 0 });
  });

  it("turned on from the list, a flow texts an abandoner: its last-30-days numbers match the domain's performance()", async () => {
    const { shop, shopId, flow, admin } = await shopWithAdmin("flows-list-perf");
    expect(await admin.act(listAction, "/app/flows", { flowId: flow.id, enabled: "true" })).toMatchObject({
      ok: true,
      enabled: true,
    });
    expect((await db.flow.findUniqueOrThrow({ where: { id: flow.id } })).enabled).toBe(true);

    const customer = subscriber(shop.clock.now());
    await shop.deliver("customers/create", customer);
    const checkout = await shop.abandonCheckout(customer);
    const message = await db.message.findFirstOrThrow({ where: { shopId, flowId: flow.id } });
    expect(message.status).toBe("DELIVERED");
    const link = await db.trackedLink.findFirstOrThrow({ where: { messageId: message.id } });
    shop.clock.advance(10 * MINUTE);
    await recordClick(db, link.code, shop.clock.now());
    shop.clock.advance(HOUR);
    await shop.deliver(
      "orders/create",
      orderPayload({ customer, at: shop.clock.now(), total: "42.50", checkoutToken: checkout.token }),
    );

    const { flows } = await admin.load(listLoader, "/app/flows");
    const row = flows.find((f) => f.id === flow.id)!;
    expect(row.enabled).toBe(true);
    expect(row.performance).toMatchObject({
      sent: 1,
      delivered: 1,
      deliveryRate: 1,
      clicks: 1,
      clickThroughRate: 1,
      optOutRate: 0,
      conversions: { click: 1, send: 1 },
      revenue: { click: 42.5, send: 42.5 },
    });
    expect(row.performance.cost).toBeCloseTo(0.0079);
    expect(row.performance).toEqual(await performance({ db, shopId, of: { flowId: flow.id } }));
    // The ordered shopper's run has exited, so nothing is in progress.
    expect(row.activeRuns).toBe(0);
    // Messages sent before the window are not counted.
    expect(
      await performance({ db, shopId, of: { flowId: flow.id }, since: new Date(shop.clock.now().getTime() + DAY) }),
    ).toMatchObject({ sent: 0, clicks: 0, conversions: { click: 0, send: 0 }, cost: 0 });
  });

  it("counts runs in progress, and turns a flow off again", async () => {
    const { shop, flow, admin } = await shopWithAdmin("flows-list-runs");
    await abandonerInFlow(shop, admin, flow.id);
    expect((await admin.load(listLoader, "/app/flows")).flows.find((f) => f.id === flow.id)!.activeRuns).toBe(1);

    expect(await admin.act(listAction, "/app/flows", { flowId: flow.id, enabled: "false" })).toMatchObject({
      ok: true,
      enabled: false,
    });
    expect((await db.flow.findUniqueOrThrow({ where: { id: flow.id } })).enabled).toBe(false);
  });

  it("refuses a toggle it can't read with 400", async () => {
    const { flow, admin } = await shopWithAdmin("flows-list-400");
    expect(await statusOfPost(admin, listAction, "/app/flows", { flowId: flow.id, enabled: "maybe" })).toBe(400);
    expect((await db.flow.findUniqueOrThrow({ where: { id: flow.id } })).enabled).toBe(false);
  });
});

describe("flow editor", () => {
  it("loads the flow with its steps, runs in progress and what the preview needs (sender name, cost per segment)", async () => {
    const { flow, admin } = await shopWithAdmin("flows-edit-load");
    const data = await admin.load(editLoader, flowPath(flow.id), { id: flow.id });
    expect(data.flow).toMatchObject({ id: flow.id, version: 1, definition: definitionOf("abandoned-checkout") });
    expect(data.activeRuns).toBe(0);
    expect(data.preview).toMatchObject({
      senderName: expect.stringMatching(/^flows-edit-load/),
      costPerSegment: 0.0079,
    });
  });

  it("saving changed texts bumps the version, and a run waiting in the flow sends the new text at its next step", async () => {
    const { shop, shopId, flow, admin } = await shopWithAdmin("flows-edit-save");
    await abandonerInFlow(shop, admin, flow.id);

    const { flow: loaded } = await admin.load(editLoader, flowPath(flow.id), { id: flow.id });
    const steps = loaded.definition.steps.map(toStepForm);
    const reminder = steps[2]!;
    if (reminder.type !== "send") throw new Error("step 3 of the built-in is a send");
    reminder.variants = [
      { key: "A", weight: "1", body: "Your cart misses you, {{ first_name }}: {{ checkout_url }}" },
      { key: "B", weight: "3", body: "Last call for your cart: {{ checkout_url }}" },
    ];
    const form = { name: "Cart reminder", steps, exitConditions: loaded.definition.exitConditions };
    const result = await admin.act(
      editAction,
      flowPath(flow.id),
      { payload: JSON.stringify(editPayload(form, loaded.definition.trigger, loaded.version)) },
      { id: flow.id },
    );
    expect(result).toEqual({ saved: { ok: true, version: 2, runsContinued: 1, runsExited: 0 } });
    const saved = await db.flow.findUniqueOrThrow({ where: { id: flow.id } });
    expect(saved).toMatchObject({ name: "Cart reminder", version: 2 });

    shop.clock.advance(DAY);
    await shop.work();
    const messages = await db.message.findMany({ where: { shopId, flowId: flow.id }, orderBy: { createdAt: "asc" } });
    expect(messages).toHaveLength(2);
    expect(messages[1]!.body).toMatch(/Your cart misses you, Jane|Last call for your cart/);
    expect(await db.flowRun.findFirstOrThrow({ where: { flowId: flow.id } })).toMatchObject({
      status: "COMPLETED",
      flowVersion: 2,
    });
  });

  it("adding or removing steps ends the runs in progress and cancels what they had scheduled", async () => {
    const { shop, flow, admin } = await shopWithAdmin("flows-edit-reshape");
    await abandonerInFlow(shop, admin, flow.id);

    const definition = definitionOf("abandoned-checkout");
    const payload = {
      name: "Abandoned checkout reminder",
      version: 1,
      definition: { ...definition, steps: [definition.steps[0]] },
    };
    expect(
      await admin.act(editAction, flowPath(flow.id), { payload: JSON.stringify(payload) }, { id: flow.id }),
    ).toEqual({ saved: { ok: true, version: 2, runsContinued: 0, runsExited: 1 } });
    expect(await db.flowRun.findFirstOrThrow({ where: { flowId: flow.id } })).toMatchObject({
      status: "EXITED",
      exitReason: "flow edited",
    });
    shop.clock.advance(DAY);
    await shop.work();
    expect(await db.message.count({ where: { flowId: flow.id } })).toBe(1);
  });

  it("answers invalid input with a field error per problem and leaves the flow as it was", async () => {
    const { flow, admin } = await shopWithAdmin("flows-edit-invalid");
    const definition = definitionOf("abandoned-checkout");
    const save = (name: string, steps: unknown[]) => ({
      payload: JSON.stringify({ name, version: 1, definition: { ...definition, steps } }),
    });
    const errorsOf = async (form: { payload: string }) =>
      (
        (await admin.act(editAction, flowPath(flow.id), form, { id: flow.id })) as unknown as {
          errors: Record<string, string>;
        }
      ).errors;

    const malformed = save(" ", [
      { type: "send", variants: [{ key: "A", weight: 1, body: "" }] },
      { type: "wait", minutes: null },
      { type: "wait_until", hour: 25, minute: 0 },
      { type: "condition", condition: "orders > 1", otherwise: "exit" },
    ]);
    expect(await statusOfPost(admin, editAction, flowPath(flow.id), malformed, { id: flow.id })).toBe(400);
    expect(await errorsOf(malformed)).toEqual({
      name: "Can't be empty",
      "definition.steps.0.variants.0.body": "Can't be empty",
      "definition.steps.1.minutes": "Enter a number",
      "definition.steps.2.hour": "Must be at most 23",
      "definition.steps.3.condition": "Not a valid condition",
    });
    // Well-formed, but meaningless: unknown variables, a jump nowhere, duplicate variant labels.
    const meaningless = save("Cart", [
      {
        type: "send",
        variants: [
          { key: "A", weight: 1, body: "Hi {{ nickname }}" },
          { key: "A", weight: 1, body: "Hello" },
        ],
      },
      { type: "condition", condition: { type: "orders_count", op: "eq", value: 0 }, otherwise: { goto: 9 } },
    ]);
    expect(await errorsOf(meaningless)).toEqual({
      "definition.steps.0.variants": "Each variant needs its own label",
      "definition.steps.0.variants.0.body": "Unknown variable: nickname",
      "definition.steps.1.otherwise": "Choose another step of this flow to go to",
    });
    expect(await errorsOf(save("No texts", [{ type: "wait", minutes: 60 }]))).toEqual({
      "definition.steps": "A flow needs at least one text to send",
    });
    expect(await statusOfPost(admin, editAction, flowPath(flow.id), { payload: "{not json" }, { id: flow.id })).toBe(
      400,
    );
    expect(await db.flow.findUniqueOrThrow({ where: { id: flow.id } })).toMatchObject({
      version: 1,
      name: flow.name,
      steps: flow.steps,
    });
  });

  it("refuses a save made over a newer version (409) instead of overwriting it", async () => {
    const { flow, admin } = await shopWithAdmin("flows-edit-stale");
    const payload = (name: string) => ({
      payload: JSON.stringify({ name, version: 1, definition: definitionOf("abandoned-checkout") }),
    });
    await admin.act(editAction, flowPath(flow.id), payload("First"), { id: flow.id });
    expect(await statusOfPost(admin, editAction, flowPath(flow.id), payload("Second"), { id: flow.id })).toBe(409);
    expect(await db.flow.findUniqueOrThrow({ where: { id: flow.id } })).toMatchObject({ name: "First", version: 2 });
  });

  it("turns the editor's fields into the definition and back (delays in units, time of day, conditions)", () => {
    const steps = definitionOf("post-purchase").steps.concat(definitionOf("win-back").steps);
    expect(steps.map(toStepForm).map(fromStepForm)).toEqual(steps);
    expect(toStepForm({ type: "wait", minutes: 90 })).toEqual({ type: "wait", amount: "90", unit: "minutes" });
    expect(fromStepForm({ type: "wait", amount: "2", unit: "hours" })).toEqual({ type: "wait", minutes: 120 });
    expect(fromStepForm({ type: "wait", amount: "", unit: "days" })).toEqual({ type: "wait", minutes: null });
  });
});

describe("new flow", () => {
  it("creates a custom flow, off, from a trigger choice, and opens its editor", async () => {
    const { shopId, admin } = await shopWithAdmin("flows-new");
    expect((await admin.load(newLoader, "/app/flows/new")).segments.map((s) => s.key)).toContain("repeat-buyers");
    const response = (await newAction({
      request: await admin.request("/app/flows/new", {
        form: { name: "VIP thank-you", triggerType: "segment_entered", segmentKey: "repeat-buyers" },
      }),
      params: {},
      context: {},
    })) as Response;
    expect(response.status).toBe(302);
    const flow = await db.flow.findFirstOrThrow({ where: { shopId, builtIn: false } });
    expect(response.headers.get("location")).toBe(`/app/flows/${flow.id}`);
    expect(flow).toMatchObject({
      name: "VIP thank-you",
      enabled: false,
      trigger: { type: "segment_entered", segmentKey: "repeat-buyers" },
      exitConditions: ["ordered", "opted_out", "left_segment"],
    });
    const { flows } = await admin.load(listLoader, "/app/flows");
    expect(flows.find((f) => f.id === flow.id)).toMatchObject({
      builtIn: false,
      trigger: "A shopper enters the “Repeat buyers” segment",
      steps: ["Send a text"],
    });
  });

  it("asks for a name and a segment of the shop's own", async () => {
    const { shopId, admin } = await shopWithAdmin("flows-new-invalid");
    const errorsOf = async (form: Record<string, string>) =>
      ((await admin.act(newAction, "/app/flows/new", form)) as unknown as { errors: Record<string, string> }).errors;
    expect(await statusOfPost(admin, newAction, "/app/flows/new", { name: "", triggerType: "segment_entered" })).toBe(
      400,
    );
    expect(await errorsOf({ name: "", triggerType: "segment_entered" })).toEqual({
      name: "Can't be empty",
      segmentKey: "Choose a segment",
    });
    expect(await errorsOf({ name: "X", triggerType: "birthday" })).toEqual({
      triggerType: "Choose what starts the flow",
    });
    expect(await errorsOf({ name: "X", triggerType: "segment_left", segmentKey: "someone-elses" })).toEqual({
      segmentKey: "Choose one of your segments",
    });
    expect(await db.flow.count({ where: { shopId, builtIn: false } })).toBe(0);
  });
});

describe("template preview", () => {
  const settings = {
    senderName: "Northbean",
    shopName: "Northbean",
    appUrl: "https://sms-app.example",
    costPerSegment: 0.01,
  };

  it("shows the first text as sent: sender name, opt-out text, short links; GSM-7 counted in segments with the cost", () => {
    const preview = previewMessage('Hi {{ first_name | default: "there" }}, your cart: {{ checkout_url }}', settings);
    expect(preview.body).toBe(
      "Northbean: Hi Ava, your cart: https://sms-app.example/l/aB3dE5gH Reply STOP to opt out.",
    );
    expect(preview.sms).toMatchObject({ encoding: "GSM-7", characters: preview.body.length, segments: 1, nonGsm: [] });
    expect(preview.cost).toBeCloseTo(0.01);
    const long = previewMessage("x".repeat(200), settings);
    expect(long.sms.segments).toBe(2);
    expect(long.cost).toBeCloseTo(0.02);
  });

  it("points at the characters that force UCS-2, and at unknown variables", () => {
    const preview = previewMessage(
      "Your order is on its way 🚚 and should arrive within two days. {{ tracking_number }}",
      settings,
    );
    expect(preview.sms).toMatchObject({ encoding: "UCS-2", nonGsm: ["🚚"], segments: 2 });
    expect(preview.unknownVariables).toEqual(["tracking_number"]);
  });
});

describe("flows of another shop", () => {
  it("shop B can neither read, toggle nor edit shop A's flow: 404 and nothing changes", async () => {
    const { flow } = await shopWithAdmin("flows-owner-a");
    const { admin: intruder, flow: own } = await shopWithAdmin("flows-owner-b");
    const before = await db.flow.findUniqueOrThrow({ where: { id: flow.id } });

    expect(await intruder.statusOf(intruder.load(editLoader, flowPath(flow.id), { id: flow.id }))).toBe(404);
    expect(await intruder.statusOf(intruder.act(listAction, "/app/flows", { flowId: flow.id, enabled: "true" }))).toBe(
      404,
    );
    const payload = JSON.stringify({ name: "Hijacked", version: 1, definition: definitionOf("abandoned-checkout") });
    expect(await intruder.statusOf(intruder.act(editAction, flowPath(flow.id), { payload }, { id: flow.id }))).toBe(
      404,
    );
    expect(await intruder.statusOf(intruder.load(editLoader, flowPath("no-such-flow"), { id: "no-such-flow" }))).toBe(
      404,
    );

    expect(await db.flow.findUniqueOrThrow({ where: { id: flow.id } })).toEqual(before);
    expect((await intruder.load(listLoader, "/app/flows")).flows.map((f) => f.id)).not.toContain(flow.id);
    expect((await intruder.load(listLoader, "/app/flows")).flows.map((f) => f.id)).toContain(own.id);
  });
});
