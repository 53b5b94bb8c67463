package io.sockmapd.sql;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.util.Arrays;
import java.util.List;

/**
 * Asks PostgreSQL which types it infers for the bind parameters of a statement, so a batch
 * statement can give its array columns exactly those types (a {@code char(n)} or {@code citext}
 * comparison must not silently become a {@code text} one). Types are named by their schema and
 * internal name ({@code pg_catalog.bpchar}), which unlike the SQL spelling ({@code character},
 * meaning {@code char(1)} in a cast) carries no length.
 */
public final class PgParameterTypes {
  private static final String NAME = "sockmapd_describe";

  private PgParameterTypes() {}

  /**
   * Prepares {@code sql} under a session-local name on {@code connection}, reads its parameter
   * types from {@code pg_prepared_statements} and drops the name again, whatever happened.
   */
  public static Future<List<String>> describe(SqlConnection connection, String sql) {
    return connection
        .query("PREPARE " + NAME + " AS " + sql)
        .execute()
        .compose(
            prepared ->
                connection
                    .query(
                        "SELECT array_agg(quote_ident(n.nspname) || '.' || quote_ident(t.typname)"
                            + " ORDER BY p.ord) FROM pg_prepared_statements s"
                            + " CROSS JOIN LATERAL unnest(s.parameter_types)"
                            + " WITH ORDINALITY AS p(type, ord)"
                            + " JOIN pg_type t ON t.oid = p.type"
                            + " JOIN pg_namespace n ON n.oid = t.typnamespace"
                            + " WHERE s.name = '"
                            + NAME
                            + "'")
                    .execute()
                    .eventually(() -> connection.query("DEALLOCATE " + NAME).execute()))
        .map(
            rows -> {
              Row row = rows.iterator().next();
              String[] types = row.getArrayOfStrings(0);
              return types == null ? List.<String>of() : Arrays.asList(types);
            });
  }
}
