-- PostgreSQL only (Customer fillfactor 90, for HOT updates): SQLite rewrites a row in place.
SELECT 1;
