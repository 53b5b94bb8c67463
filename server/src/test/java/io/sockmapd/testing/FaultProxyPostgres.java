package io.sockmapd.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A scratch PostgreSQL database of its own for fault-injection tests (the local server at
 * 127.0.0.1:5432, trust authentication, role {@code postgres}). Missing PostgreSQL skips the test,
 * except under {@code CI=true}, where it fails it.
 */
public final class FaultProxyPostgres implements AutoCloseable {
  public static final String HOST = "127.0.0.1";
  public static final int PORT = 5432;
  private static final String USER = "postgres";

  private final Vertx vertx;
  private final String database;

  private FaultProxyPostgres(Vertx vertx, String database) {
    this.vertx = vertx;
    this.database = database;
  }

  /**
   * Creates a randomly named database and a Vert.x instance to reach it, or skips (fails under CI)
   * when PostgreSQL is absent.
   */
  public static FaultProxyPostgres create(String purpose) {
    requireServer();
    Vertx vertx = Vertx.vertx();
    String name =
        ("sockmapd_" + purpose + "_" + UUID.randomUUID().toString().substring(0, 8))
            .toLowerCase(Locale.ROOT)
            .replace('-', '_');
    FaultProxyPostgres db = new FaultProxyPostgres(vertx, name);
    try {
      db.admin("CREATE DATABASE " + name);
    } catch (RuntimeException | AssertionError e) {
      await(vertx.close());
      throw e;
    }
    return db;
  }

  private static void requireServer() {
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), PORT), 2000);
    } catch (IOException e) {
      String why = "PostgreSQL not reachable at " + HOST + ":" + PORT + ": " + e;
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(why);
      }
      Assumptions.abort(why);
    }
  }

  /** The Vert.x instance this database's clients should use; closed with the database. */
  public Vertx vertx() {
    return vertx;
  }

  public String database() {
    return database;
  }

  /** Options for this database at {@code host:port} (a {@link FaultProxy} or the server). */
  public PgConnectOptions options(String host, int port) {
    return new PgConnectOptions().setHost(host).setPort(port).setUser(USER).setDatabase(database);
  }

  /** Runs statements against this database directly, not through any proxy. */
  public void execute(String... statements) {
    SqlConnection conn = await(PgConnection.connect(vertx, options(HOST, PORT)));
    try {
      for (String sql : statements) {
        await(conn.query(sql).execute());
      }
    } finally {
      await(conn.close());
    }
  }

  private void admin(String sql) {
    PgConnectOptions admin = options(HOST, PORT).setDatabase("postgres");
    SqlConnection conn = await(PgConnection.connect(vertx, admin));
    try {
      await(conn.query(sql).execute());
    } finally {
      await(conn.close());
    }
  }

  /** Waits for a Vert.x future from a test thread, failing after ten seconds. */
  public static <T> T await(Future<T> future) {
    try {
      return future.await(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer from PostgreSQL within 10 s", e);
    }
  }

  /** Drops the database, closing any connection a test left behind, and closes Vert.x. */
  @Override
  public void close() {
    try {
      admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    } finally {
      await(vertx.close());
    }
  }
}
