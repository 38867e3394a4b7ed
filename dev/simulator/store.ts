import { DAY, MINUTE } from "../../app/clock";
import {
  checkoutPayload,
  customerPayload,
  inventoryLevelPayload,
  marketingConsentPayload,
  orderPayload,
  productPayload,
  type CustomerPayloadShape,
  type LineOpts,
} from "./shopify-payloads";

/**
 * A simulated Shopify store for the embedded default and for tests: shoppers sign up,
 * start checkouts (some abandon, some with sold-out items), order again or lapse, opt out;
 * stock sells down, sells out and is restocked. It produces the webhooks Shopify would send,
 * in time order, deterministically for a seed. `advance(to)` returns everything that
 * happened up to `to`; a history run and a live run are the same calls.
 */
export interface SimEvent {
  at: Date;
  topic: string;
  payload: unknown;
}

interface Place {
  country: string;
  countryName: string;
  province: string;
  provinceName: string;
  city: string;
  zip: string;
  phone: (n: number) => string;
}

const pad = (n: number, width: number) => String(n % 10 ** width).padStart(width, "0");
const PLACES: Place[] = [
  {
    country: "US",
    countryName: "United States",
    province: "CA",
    provinceName: "California",
    city: "San Francisco",
    zip: "94105",
    phone: (n) => `+1415555${pad(n, 4)}`,
  },
  {
    country: "US",
    countryName: "United States",
    province: "NY",
    provinceName: "New York",
    city: "New York",
    zip: "10001",
    phone: (n) => `+1212555${pad(n, 4)}`,
  },
  {
    country: "US",
    countryName: "United States",
    province: "TX",
    provinceName: "Texas",
    city: "Austin",
    zip: "73301",
    phone: (n) => `+1512555${pad(n, 4)}`,
  },
  {
    country: "US",
    countryName: "United States",
    province: "IL",
    provinceName: "Illinois",
    city: "Chicago",
    zip: "60601",
    phone: (n) => `+1312555${pad(n, 4)}`,
  },
  {
    country: "CA",
    countryName: "Canada",
    province: "ON",
    provinceName: "Ontario",
    city: "Toronto",
    zip: "M5H 2N2",
    phone: (n) => `+1416555${pad(n, 4)}`,
  },
  {
    country: "GB",
    countryName: "United Kingdom",
    province: "ENG",
    provinceName: "England",
    city: "London",
    zip: "EC1A 1BB",
    phone: (n) => `+447400${pad(n, 6)}`,
  },
  {
    country: "AU",
    countryName: "Australia",
    province: "NSW",
    provinceName: "New South Wales",
    city: "Sydney",
    zip: "2000",
    phone: (n) => `+6149157${pad(n, 4)}`,
  },
  {
    country: "MY",
    countryName: "Malaysia",
    province: "KUL",
    provinceName: "Kuala Lumpur",
    city: "Kuala Lumpur",
    zip: "50000",
    phone: (n) => `+6012345${pad(n, 4)}`,
  },
];
const FIRST_NAMES = [
  "Ava",
  "Noah",
  "Mia",
  "Liam",
  "Zoe",
  "Omar",
  "Priya",
  "Kenji",
  "Lucía",
  "Aisha",
  "Finn",
  "Mei",
  "Sofia",
  "Tariq",
  "Hana",
  "Leo",
];
const LAST_NAMES = [
  "Ng",
  "Okafor",
  "Smith",
  "García",
  "Kowalski",
  "Tan",
  "Murphy",
  "Haddad",
  "Silva",
  "Khan",
  "Berg",
  "Ito",
];

const CATALOGUE = [
  { title: "Cold Brew Concentrate", type: "Coffee", vendor: "Northbean", price: "18.00", variants: ["500 ml", "1 l"] },
  {
    title: "Single Origin Beans",
    type: "Coffee",
    vendor: "Northbean",
    price: "22.00",
    variants: ["Ethiopia", "Colombia", "Sumatra"],
  },
  {
    title: "Ceramic Pour-Over",
    type: "Brewing gear",
    vendor: "Kiln & Co",
    price: "34.00",
    variants: ["White", "Charcoal"],
  },
  { title: "Gooseneck Kettle", type: "Brewing gear", vendor: "Kiln & Co", price: "59.00", variants: ["Steel"] },
  { title: "Matcha Starter Kit", type: "Tea", vendor: "Leaf Lab", price: "42.00", variants: ["Ceremonial"] },
  { title: "Chai Blend", type: "Tea", vendor: "Leaf Lab", price: "14.00", variants: ["100 g", "250 g"] },
  {
    title: "Travel Tumbler",
    type: "Accessories",
    vendor: "Carry",
    price: "27.00",
    variants: ["Sage", "Sand", "Black"],
  },
  { title: "Limited Roast Box", type: "Coffee", vendor: "Northbean", price: "48.00", variants: ["Winter"] },
];
const LOCATION_ID = 655441491;

interface SimVariant {
  id: number;
  productId: number;
  inventoryItemId: number;
  stock: number;
  line: LineOpts;
}

interface SimCustomer {
  payload: CustomerPayloadShape;
  /** Subscribed to SMS marketing (Shopify's record; the payloads carry it as Shopify does). */
  sms: boolean;
  place: Place;
  /** The next order is likelier for repeat-minded shoppers. */
  loyalty: number;
}

export class SimulatedStore {
  private readonly random: () => number;
  private readonly variants: SimVariant[] = [];
  private readonly customers: SimCustomer[] = [];
  private readonly pending: SimEvent[] = [];
  private readonly recentOrders: ReturnType<typeof orderPayload>[] = [];
  private clock: Date;
  private nextAction: Date;
  private ids: number;
  private actions = 0;

  constructor(
    start: Date,
    private readonly options: { seed?: number; actionsPerDay: number },
  ) {
    this.random = mulberry32(options.seed ?? 1);
    this.clock = start;
    this.nextAction = start;
    this.ids = 7_000_000_000 + Math.floor(this.random() * 1_000_000) * 1000;
    this.openStore(start);
  }

  /** Shopper actions per day from now on (a history run is slower than a live demo). */
  setRate(actionsPerDay: number, from: Date) {
    this.options.actionsPerDay = actionsPerDay;
    this.nextAction = from;
  }

  /** Everything that happens up to `to`, in time order. */
  advance(to: Date): SimEvent[] {
    while (this.nextAction <= to) {
      this.clock = this.nextAction;
      this.act(this.clock);
      // Exponential gaps: a Poisson stream of shopper actions.
      const meanGap = DAY / this.options.actionsPerDay;
      this.nextAction = new Date(this.clock.getTime() + Math.max(1000, -Math.log(1 - this.random()) * meanGap));
    }
    this.pending.sort((a, b) => a.at.getTime() - b.at.getTime());
    const due = this.pending.filter((e) => e.at <= to);
    this.pending.splice(0, due.length);
    return due;
  }

  private emit(at: Date, topic: string, payload: unknown) {
    this.pending.push({ at, topic, payload });
  }

  private id() {
    return ++this.ids;
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }

  private chance(p: number) {
    return this.random() < p;
  }

  private openStore(at: Date) {
    for (const p of CATALOGUE) {
      const productId = this.id();
      const variants = p.variants.map((title) => {
        const v: SimVariant = {
          id: this.id(),
          productId,
          inventoryItemId: this.id(),
          stock: 2 + Math.floor(this.random() * 12),
          line: {
            product_id: productId,
            variant_id: 0,
            title: p.title,
            variant_title: title,
            vendor: p.vendor,
            price: p.price,
          },
        };
        v.line.variant_id = v.id;
        return v;
      });
      this.variants.push(...variants);
      this.emit(
        at,
        "products/create",
        productPayload({
          id: productId,
          updatedAt: at,
          title: p.title,
          productType: p.type,
          vendor: p.vendor,
          variants: variants.map((v) => ({
            id: v.id,
            inventoryItemId: v.inventoryItemId,
            quantity: v.stock,
            title: v.line.variant_title,
            price: p.price,
          })),
        }),
      );
      for (const v of variants) this.emit(at, "inventory_levels/update", this.level(v, at));
    }
  }

  private level(v: SimVariant, at: Date) {
    return inventoryLevelPayload({
      inventoryItemId: v.inventoryItemId,
      locationId: LOCATION_ID,
      available: v.stock,
      updatedAt: at,
    });
  }

  private act(at: Date) {
    // Now and then a guest checkout with the SMS box ticked; decided without the random
    // stream, so a seed gives the same store as before guests were added.
    if (++this.actions % 40 === 0) this.guestCheckout(at);
    const r = this.random();
    if (r < 0.3 || this.customers.length < 5) this.newShopperCheckout(at);
    else if (r < 0.75) this.checkout(this.returningShopper(), at);
    else if (r < 0.85) this.restock(at);
    else if (r < 0.92) this.consentChange(at);
    else if (r < 0.96) this.signUpOnly(at);
    else this.cancelRecentOrder(at);
  }

  private newCustomer(at: Date): SimCustomer {
    const place = this.pick(PLACES);
    const n = this.customers.length;
    const phone = this.chance(0.03) ? "555-0000" : this.chance(0.1) ? null : place.phone(n + 1);
    const subscribed = !!phone && this.chance(0.6) && phone.startsWith("+");
    const payload = customerPayload({
      id: this.id(),
      updatedAt: at,
      createdAt: at,
      phone,
      firstName: this.pick(FIRST_NAMES),
      lastName: this.pick(LAST_NAMES),
      country: place.country,
      countryName: place.countryName,
      province: place.province,
      provinceName: place.provinceName,
      city: place.city,
      zip: place.zip,
    });
    const customer = { payload, place, sms: subscribed, loyalty: this.random() };
    this.customers.push(customer);
    return customer;
  }

  private returningShopper(): SimCustomer {
    // Loyal shoppers come back more often; everyone else drifts towards "lapsed".
    for (let i = 0; i < 4; i++) {
      const c = this.pick(this.customers);
      if (this.chance(c.loyalty)) return c;
    }
    return this.pick(this.customers);
  }

  private touch(c: SimCustomer, at: Date): CustomerPayloadShape {
    c.payload = { ...c.payload, updated_at: at.toISOString() };
    return c.payload;
  }

  /** Shopify's consent topic for the customer's current state and number. */
  private emitConsent(c: SimCustomer, at: Date) {
    this.emit(
      at,
      "customers_marketing_consent/update",
      marketingConsentPayload({
        customerId: c.payload.id,
        phone: c.payload.phone,
        state: c.sms ? "subscribed" : "unsubscribed",
        at,
      }),
    );
  }

  /** An account sign-up that ticks "text me offers": the consent arrives on its own topic. */
  private signUpOnly(at: Date) {
    const c = this.newCustomer(at);
    this.emit(at, "customers/create", c.payload);
    if (c.sms) this.emitConsent(c, at);
  }

  /** A first checkout; a shopper who ticks the SMS box consents at checkout. */
  private newShopperCheckout(at: Date) {
    const c = this.newCustomer(at);
    this.emit(at, "customers/create", c.payload);
    const checkoutAt = new Date(at.getTime() + MINUTE);
    this.checkout(c, checkoutAt, c.sms ? (c.payload.phone ?? undefined) : undefined);
    // Shopify then records the checkout consent on the customer and says so on the consent topic.
    if (c.sms) this.emitConsent(c, new Date(checkoutAt.getTime() + MINUTE));
  }

  /** A guest (no account) who ticks the SMS box and leaves without paying. */
  private guestCheckout(at: Date) {
    const place = PLACES[this.actions % PLACES.length]!;
    const lines = [{ ...this.variants[this.actions % this.variants.length]!.line, quantity: 1 }];
    this.emit(
      at,
      "checkouts/create",
      checkoutPayload({
        token: `sim${this.id().toString(36)}`,
        customer: null,
        email: `guest${this.id()}@example.com`,
        updatedAt: at,
        createdAt: at,
        lines,
        smsMarketingPhone: place.phone(5000 + this.customers.length),
      }),
    );
  }

  private checkout(c: SimCustomer, at: Date, smsMarketingPhone?: string) {
    const items = Array.from({ length: 1 + Math.floor(this.random() * 2) }, () => this.pick(this.variants));
    const lines = [...new Set(items)].map((v) => ({ ...v.line, quantity: 1 }));
    const soldOut = items.some((v) => v.stock <= 0);
    const token = `sim${this.id().toString(36)}`;
    const customer = this.touch(c, at);
    this.emit(
      at,
      "checkouts/create",
      checkoutPayload({ token, customer, updatedAt: at, createdAt: at, lines, smsMarketingPhone }),
    );
    // A sold-out item blocks the checkout: the shopper waits for the restock instead.
    if (soldOut || this.chance(0.3)) return;
    const paidAt = new Date(at.getTime() + (2 + this.random() * 20) * MINUTE);
    for (const v of items) v.stock -= 1;
    this.emit(
      paidAt,
      "checkouts/update",
      checkoutPayload({
        token,
        customer,
        updatedAt: paidAt,
        createdAt: at,
        completedAt: paidAt,
        lines,
        smsMarketingPhone,
      }),
    );
    const order = orderPayload({ id: this.id(), customer, at: paidAt, checkoutToken: token, lines });
    this.emit(paidAt, "orders/create", order);
    this.recentOrders.push(order);
    if (this.recentOrders.length > 20) this.recentOrders.shift();
    for (const v of new Set(items)) this.emit(paidAt, "inventory_levels/update", this.level(v, paidAt));
  }

  private restock(at: Date) {
    const low = this.variants.filter((v) => v.stock <= 2);
    if (!low.length) return;
    const v = this.pick(low);
    v.stock += 10 + Math.floor(this.random() * 20);
    this.emit(at, "inventory_levels/update", this.level(v, at));
  }

  /** A shopper opts in or out in Shopify (account page, admin): the consent topic says so. */
  private consentChange(at: Date) {
    const c = this.pick(this.customers);
    if (!c.payload.phone?.startsWith("+")) return;
    c.sms = !c.sms;
    this.emitConsent(c, at);
  }

  private cancelRecentOrder(at: Date) {
    const order = this.recentOrders.pop();
    if (!order || new Date(order.created_at) >= at) return;
    const when = at.toISOString();
    this.emit(at, "orders/cancelled", {
      ...order,
      cancelled_at: when,
      updated_at: when,
      financial_status: "refunded",
      cancel_reason: "customer",
    });
  }
}

/** A small seeded PRNG: the same seed gives the same store. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
