/** What shoppers know the shop as: its name, else its handle ("northbean" of northbean.myshopify.com). */
export const shopName = (shop: { name: string | null; domain: string }) =>
  shop.name ?? shop.domain.replace(/\.myshopify\.com$/, "");

/** How texts are signed: the merchant's sender name, else the shop's name. */
export const shopSenderName = (shop: {
  name: string | null;
  domain: string;
  settings: { senderName: string | null } | null;
}) => shop.settings?.senderName ?? shopName(shop);
