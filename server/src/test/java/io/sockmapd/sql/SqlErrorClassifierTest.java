package io.sockmapd.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.config.Secret;
import io.sockmapd.sql.SqlErrorClassifier.Outcome;
import io.sockmapd.sql.SqlErrorClassifier.Scope;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.RaisingRoutine;
import io.sockmapd.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The classifier on the real drivers' exceptions, provoked against real PostgreSQL and MariaDB: the
 * scope decides whether a node is taken down, so a query's own error must never read as the node's,
 * whatever its message says.
 */
class SqlErrorClassifierTest {
  @RegisterExtension static final DatabaseExtension DBS = new DatabaseExtension();

  /** Vert.x's own failures that only their full text tells: a connection failure, but untyped. */
  private static final Set<String> VERTX_UNTYPED =
      Set.of(
          "Timeout",
          "Timeout waiting for connection",
          "Pool closed",
          "Connection was closed",
          "Connection is not active now, current status: CLOSED",
          "SSL handshake failed",
          "Pending requests failed to be sent due to connection has been closed.");

  /** Those texts, and the words around them, as anyone's message may hold them. */
  private static final List<String> CONNECTION_WORDS =
      Stream.concat(
              Stream.of("connection closed", "Connection reset by peer", "timeout"),
              VERTX_UNTYPED.stream().sorted())
          .toList();

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#networkTypes")
  void syntaxErrorsAndUnknownTablesAreTheQuerysAndPerm(DatabaseType type) {
    for (String sql : List.of("SELEKT 1", "SELECT v FROM no_such_table")) {
      Outcome outcome = SqlErrorClassifier.classify(failureOf(type, c -> c.query(sql).execute()));
      assertThat(outcome.scope()).as(sql).isEqualTo(Scope.QUERY);
      assertThat(outcome.result().status()).as(sql).isEqualTo(SocketmapStatus.PERM);
      assertThat(outcome.queryError()).isTrue();
    }
  }

  /**
   * Regression: both classifiers matched words such as "closed", "reset" and "timeout" in any
   * message, and a function's own error carries a message its author chose.
   */
  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#networkTypes")
  void anErrorRaisedWithConnectionWordsIsTheQuerys(DatabaseType type) {
    TestDatabase db = DBS.get(type);
    String call = RaisingRoutine.create(db);
    for (String message : CONNECTION_WORDS) {
      Throwable failure = failureOf(type, c -> c.preparedQuery(call).execute(Tuple.of(message)));
      assertThat(failure.getMessage()).contains(message);
      Outcome outcome = SqlErrorClassifier.classify(failure);
      assertThat(outcome.scope()).as(message).isEqualTo(Scope.QUERY);
      assertThat(outcome.result().status()).as(message).isEqualTo(SocketmapStatus.TEMP);
      assertThat(outcome.result().text()).as(message).startsWith("database error");
      assertThat(SqlErrorClassifier.isAcquireTimeout(failure)).isFalse();
    }
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#networkTypes")
  void theServersStatementTimeLimitIsTimeoutForTheQuery(DatabaseType type) {
    String limit =
        type == DatabaseType.POSTGRESQL
            ? "SET statement_timeout = 200"
            : "SET SESSION max_statement_time = 0.2";
    String slow =
        type == DatabaseType.POSTGRESQL
            ? "SELECT count(*) FROM generate_series(1, 1000000000)"
            : "SELECT SLEEP(5)";
    Throwable failure =
        failureOf(type, c -> c.query(limit).execute().compose(v -> c.query(slow).execute()));
    Outcome outcome = SqlErrorClassifier.classify(failure);
    assertThat(outcome.scope()).isEqualTo(Scope.QUERY);
    assertThat(outcome.result().status()).isEqualTo(SocketmapStatus.TIMEOUT);
  }

  /** pg_terminate_backend / KILL CONNECTION while the statement runs: the connection is gone. */
  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#networkTypes")
  void aKilledBackendIsTheNodes(DatabaseType type) {
    TestDatabase db = DBS.get(type);
    boolean pg = type == DatabaseType.POSTGRESQL;
    Pool killer = PoolFactory.create(DBS.vertx(), db.config());
    try {
      Throwable failure =
          failureOf(
              type,
              c ->
                  c.query(pg ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()")
                      .execute()
                      .compose(
                          rows -> {
                            long id = ((Number) rows.iterator().next().getValue(0)).longValue();
                            String kill =
                                pg
                                    ? "SELECT pg_terminate_backend(" + id + ")"
                                    : "KILL CONNECTION " + id;
                            DBS.vertx().setTimer(300, t -> killer.query(kill).execute());
                            return c.query(pg ? "SELECT pg_sleep(10)" : "SELECT SLEEP(10)")
                                .execute();
                          }));
      Outcome outcome = SqlErrorClassifier.classify(failure);
      assertThat(outcome.scope()).as(failure.toString()).isEqualTo(Scope.NODE);
      assertThat(outcome.result().status()).isEqualTo(SocketmapStatus.TEMP);
      System.out.println(type + " killed backend: " + failure);
    } finally {
      await(killer.close());
    }
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#networkTypes")
  void aLoginFailureIsTheNodes(DatabaseType type) {
    DatabaseConfig config = DBS.get(type).config();
    DatabaseConfig wrong =
        config.toBuilder().user("no_such_user").password(Secret.of("not-the-password")).build();
    Throwable failure = acquireFailure(wrong);
    Outcome outcome = SqlErrorClassifier.classifyAcquire(failure);
    assertThat(outcome.scope()).isEqualTo(Scope.NODE);
    assertThat(outcome.result().text()).as(failure.toString()).startsWith("database login failed");
  }

  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#networkTypes")
  void aRefusedConnectionIsTheNodes(DatabaseType type) {
    TestDatabase db = DBS.get(type);
    Throwable failure =
        acquireFailure(
            db.config(Duration.ofSeconds(5), List.of(new HostAndPort("127.0.0.1", 1)), 10));
    Outcome outcome = SqlErrorClassifier.classifyAcquire(failure);
    assertThat(outcome.scope()).isEqualTo(Scope.NODE);
    assertThat(outcome.result().text()).isEqualTo("database unreachable");
    assertThat(SqlErrorClassifier.isAcquireTimeout(failure)).isFalse();
  }

  /** The one text the classifier must read: the pool's own wait limit, which has no type. */
  @ParameterizedTest
  @MethodSource("io.sockmapd.testing.DatabaseExtension#networkTypes")
  void thePoolsWaitLimitIsOursNotTheNodes(DatabaseType type) {
    TestDatabase db = DBS.get(type);
    DatabaseConfig one =
        db.config(
            "one",
            db.config().hosts(),
            Duration.ofMillis(200),
            Duration.ofSeconds(5),
            Duration.ofSeconds(1),
            10);
    DatabaseConfig single = one.toBuilder().poolSize(1).build();
    Pool pool = PoolFactory.create(DBS.vertx(), single);
    try {
      SqlConnection held = await(pool.getConnection());
      Throwable failure = failure(pool.getConnection());
      held.close();
      assertThat(SqlErrorClassifier.isAcquireTimeout(failure)).as(failure.toString()).isTrue();
      Outcome outcome = SqlErrorClassifier.classifyAcquire(failure);
      assertThat(outcome.scope()).isEqualTo(Scope.CLIENT);
      assertThat(outcome.result().text()).isEqualTo("no database connection available");
    } finally {
      await(pool.close());
    }
  }

  /**
   * Regression: a failure that is neither the database's nor the network's (here: thrown while rows
   * were taken) whose message merely mentions a connection word used to count as a lost connection
   * and took the node down.
   */
  @Test
  void aMessageAloneNeverMakesAFailureTheNodes() {
    for (String message : CONNECTION_WORDS) {
      for (Throwable failure :
          List.of(new VertxException(message, true), new IllegalStateException(message))) {
        if (VERTX_UNTYPED.contains(message) && failure instanceof VertxException) {
          continue; // Vert.x's own: the pool's wait limit (tested above on a real pool), and more
        }
        assertThat(SqlErrorClassifier.classify(failure).scope())
            .as(failure.toString())
            .isNotEqualTo(Scope.NODE);
      }
    }
  }

  @Test
  void networkAndTlsFailuresAreTheNodesByType() {
    for (Throwable failure :
        List.<Throwable>of(
            new java.net.SocketException("x"),
            new java.net.ConnectException("x"),
            new javax.net.ssl.SSLHandshakeException("x"),
            io.vertx.sqlclient.ClosedConnectionException.INSTANCE,
            new VertxException("wrapped", new java.io.IOException("x")))) {
      assertThat(SqlErrorClassifier.classify(failure).scope())
          .as(failure.toString())
          .isEqualTo(Scope.NODE);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static Throwable failureOf(DatabaseType type, Function<SqlConnection, Future<?>> work) {
    TestDatabase db = DBS.get(type);
    Pool pool = PoolFactory.create(DBS.vertx(), db.config());
    try {
      return failure(pool.withConnection(c -> work.apply(c).mapEmpty()));
    } finally {
      await(pool.close());
    }
  }

  private static Throwable acquireFailure(DatabaseConfig config) {
    Pool pool = PoolFactory.create(DBS.vertx(), config);
    try {
      return failure(pool.getConnection());
    } finally {
      await(pool.close());
    }
  }

  private static Throwable failure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
