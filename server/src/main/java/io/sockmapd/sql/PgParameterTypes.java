package io.sockmapd.sql;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Asks PostgreSQL which types it infers for the bind parameters of a statement, so a batch
 * statement can give its array columns exactly those types (a {@code char(n)} or {@code citext}
 * comparison must not silently become a {@code text} one). Types are named by their schema and
 * internal name ({@code pg_catalog.bpchar}), which unlike the SQL spelling ({@code character},
 * meaning {@code char(1)} in a cast) carries no length.
 */
public final class PgParameterTypes {
  private static final String NAME = "sockmapd_describe";
  private static final Pattern PARAMETER = Pattern.compile("parameter \\$([0-9]+)");

  private PgParameterTypes() {}

  /**
   * Prepares {@code sql} under a session-local name on {@code connection}, reads its parameter
   * types from {@code pg_prepared_statements} and drops the name again, whatever happened.
   */
  public static Future<List<String>> describe(SqlConnection connection, String sql) {
    return describe(connection, sql, new TreeSet<>());
  }

  /**
   * As above, with the parameters in {@code declaredText} declared {@code text}. A parameter whose
   * type PostgreSQL can't infer ({@code CONCAT('%u', '@', target_domain)}, as PostfixAdmin's
   * alias-domain tables write it: 42P18) was an untyped string literal in Postfix's spliced query,
   * which PostgreSQL reads as text there; so it is declared text and the statement described again.
   * It comes back as {@code text} (unqualified), which {@link QueryTemplate#typed} writes as an
   * explicit cast: the statement itself then types it too.
   */
  private static Future<List<String>> describe(
      SqlConnection connection, String sql, SortedSet<Integer> declaredText) {
    String declared = "";
    if (!declaredText.isEmpty()) {
      List<String> types = new ArrayList<>();
      for (int i = 1; i <= declaredText.last(); i++) {
        types.add(declaredText.contains(i) ? "text" : "unknown");
      }
      declared = " (" + String.join(", ", types) + ")";
    }
    return connection
        .query("PREPARE " + NAME + declared + " AS " + sql)
        .execute()
        .recover(
            e -> {
              Integer parameter = undeterminedParameter(e);
              if (parameter == null || !declaredText.add(parameter)) {
                return Future.failedFuture(e);
              }
              return Future.failedFuture(new Undetermined());
            })
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
              List<String> result =
                  types == null ? new ArrayList<>() : new ArrayList<>(Arrays.asList(types));
              declaredText.forEach(i -> result.set(i - 1, "text"));
              return List.copyOf(result);
            })
        .recover(
            e ->
                e instanceof Undetermined
                    ? describe(connection, sql, declaredText)
                    : Future.failedFuture(e));
  }

  /** The {@code $N} of a "could not determine data type of parameter $N" error, else null. */
  private static @Nullable Integer undeterminedParameter(Throwable e) {
    if (!(e instanceof PgException pg) || !"42P18".equals(pg.getSqlState())) {
      return null;
    }
    Matcher m = PARAMETER.matcher(String.valueOf(pg.getErrorMessage()));
    return m.find() ? Integer.valueOf(m.group(1)) : null;
  }

  /** A describe to repeat with one more parameter declared text. */
  private static final class Undetermined extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Undetermined() {
      super(null, null, false, false);
    }
  }
}
