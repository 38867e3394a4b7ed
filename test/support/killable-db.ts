import db, { type Db } from "../../app/db.server";

const WRITES = new Set(["create", "createMany", "update", "updateMany", "upsert", "delete", "deleteMany"]);

/**
 * The app's real database with a kill switch: the n-th write from now on throws instead of
 * happening, as if the process died right before it. Everything before it is committed
 * (or, inside an interactive transaction, rolled back with it). Not a mock: every other
 * call reaches the database unchanged.
 */
export function killableDb() {
  let countdown = Infinity;
  let writes = 0;
  const wrapModels = <T extends object>(client: T): T =>
    new Proxy(client, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop === "$transaction" && typeof value === "function") {
          // Interactive transactions hand the callback a client: give it the same switch.
          return (arg: unknown, ...rest: unknown[]) =>
            typeof arg === "function"
              ? value.call(target, (tx: object) => arg(wrapModels(tx)), ...rest)
              : value.call(target, arg, ...rest);
        }
        if (typeof prop !== "string" || prop.startsWith("$") || typeof value !== "object" || value === null) {
          return typeof value === "function" ? value.bind(target) : value;
        }
        return new Proxy(value, {
          get(delegate, method, r) {
            const fn = Reflect.get(delegate, method, r);
            if (typeof method !== "string" || !WRITES.has(method) || typeof fn !== "function")
              return typeof fn === "function" ? fn.bind(delegate) : fn;
            return (...args: unknown[]) => {
              writes++;
              if (--countdown === 0) throw new Error(`killed before ${String(prop)}.${method}`);
              return fn.apply(delegate, args);
            };
          },
        });
      },
    });
  return {
    db: wrapModels(db) as Db,
    killAtWrite: (n: number) => void ((countdown = n), (writes = 0)),
    disarm: () => void (countdown = Infinity),
    get writes() {
      return writes;
    },
  };
}
