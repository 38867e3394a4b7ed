import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const routes = path.resolve(import.meta.dirname, "../../app/routes");

// Every admin page's loader and action must pass Shopify's session-token check and take
// its shop from the token (requireShop); a page that forgot would serve anyone.
describe("admin routes", () => {
  const adminRoutes = readdirSync(routes).filter((f) => /^app[.]/.test(f) || f === "app.tsx");

  it.each(adminRoutes)("%s authenticates every loader and action through requireShop", (file) => {
    const source = readFileSync(path.join(routes, file), "utf8");
    expect(source).not.toMatch(/authenticate\.admin\(/);
    for (const fn of ["loader", "action"]) {
      const body =
        source.match(new RegExp(`export const ${fn} = async[^]*?\\n};`))?.[0] ??
        source.match(new RegExp(`export async function ${fn}[^]*?\\n}`))?.[0];
      if (body) expect(body, `${file} ${fn}`).toMatch(/requireShop\(/);
    }
  });
});
