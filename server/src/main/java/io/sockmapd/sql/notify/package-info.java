/**
 * Caches kept true by the database: PostgreSQL's {@code LISTEN}, one connection per listening map,
 * dropping the cached answers of the keys a trigger announces with {@code NOTIFY}.
 */
package io.sockmapd.sql.notify;
