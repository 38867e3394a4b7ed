/**
 * Interactive transactions (`$transaction(async (tx) => …)`) never time out, and wait as
 * long as it takes for a connection. Prisma's timeout (5 s by default) does not stop the
 * callback: it sends ROLLBACK and returns the connection to the pool, while the query in
 * flight goes on with its remaining statements on that connection, outside any transaction
 * (each committed on its own), and only the queries after it fail. Under load (PostgreSQL;
 * SQLite's statements never yield to a timer) ensureShop's flow inserts failed on
 * `Flow_shopId_fkey` that way, the shop's insert having been rolled back; a segment refresh
 * could have kept membership rows without their events and counts. Every transaction here is
 * a bounded run of statements; a session that dies mid-way is rolled back by the server.
 * `maxWait` does not shorten the wait for a connection either (Prisma checks it only once the
 * connection is there), it would just fail a transaction that waited: so it is unbounded too.
 * (2^31 - 1 ms, about 24 days, is the longest timer Node keeps.)
 */
export const TRANSACTION_OPTIONS = { timeout: 2 ** 31 - 1, maxWait: 2 ** 31 - 1 };
