// Shared by sends (links.server.ts) and the admin's preview, which shows links as they will go out.

/** The URLs a message body's links are found by (trailing punctuation is not part of a URL). */
export const URL_PATTERN = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;

/** The public short link for a code, on the app's own domain. */
export const shortUrl = (appUrl: string, code: string) => `${appUrl.replace(/\/$/, "")}/l/${code}`;
