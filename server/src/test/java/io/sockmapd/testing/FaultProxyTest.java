package io.sockmapd.testing;

import static io.sockmapd.testing.FaultProxyPostgres.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy's faults, seen by real PostgreSQL clients. */
class FaultProxyTest {
  /** PostgreSQL's SSLRequest code: the server answers one byte, 'S' or 'N'. */
  private static final int SSL_REQUEST = 80877103;

  private static FaultProxyPostgres db;
  private FaultProxy proxy;

  @BeforeAll
  static void database() {
    db = FaultProxyPostgres.create("faultproxy");
  }

  @AfterAll
  static void dropDatabase() {
    if (db != null) {
      db.close();
    }
  }

  @BeforeEach
  void startProxy() {
    proxy = FaultProxy.start(FaultProxyPostgres.HOST, FaultProxyPostgres.PORT);
  }

  @AfterEach
  void stopProxy() {
    proxy.close();
  }

  private Future<PgConnection> connect() {
    return PgConnection.connect(db.vertx(), db.options(proxy.host(), proxy.port()));
  }

  private static String currentDatabase(SqlConnection conn) {
    RowSet<Row> rows = await(conn.query("SELECT current_database()").execute());
    return rows.iterator().next().getString(0);
  }

  /** A raw socket to the proxy, with a read timeout. */
  private Socket rawSocket() throws IOException {
    Socket socket = new Socket();
    socket.connect(proxy.address(), 2000);
    socket.setSoTimeout(1000);
    return socket;
  }

  /** Sends PostgreSQL an SSLRequest and returns its one-byte answer. */
  private static int sslProbe(Socket socket) throws IOException {
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    out.writeInt(8);
    out.writeInt(SSL_REQUEST);
    out.flush();
    return new DataInputStream(socket.getInputStream()).read();
  }

  /** After a fault: back to forwarding, a new connection reaches the database. */
  private void assertForwardsAgain() {
    proxy.forward();
    SqlConnection conn = await(connect());
    assertThat(currentDatabase(conn)).isEqualTo(db.database());
    await(conn.close());
  }

  private static <T> CompletableFuture<T> pending(Future<T> future) {
    return future.toCompletionStage().toCompletableFuture();
  }

  @Test
  void forwardsToPostgres() throws IOException {
    SqlConnection conn = await(connect());
    try {
      assertThat(currentDatabase(conn)).isEqualTo(db.database());
    } finally {
      await(conn.close());
    }
    try (Socket socket = rawSocket()) {
      assertThat(sslProbe(socket)).isIn((int) 'N', (int) 'S');
    }
    assertThat(proxy.acceptedConnections()).isEqualTo(2);
  }

  @Test
  void refuseClosesOpenConnectionsAndRefusesNewOnes() throws IOException {
    SqlConnection open = await(connect());
    try (Socket raw = rawSocket()) {
      proxy.refuse();

      assertThat(readEndOrReset(raw)).as("closed by the proxy").isTrue();
      assertThatThrownBy(() -> currentDatabase(open)).isNotInstanceOf(AssertionError.class);
      // Refused, as a rule. Rarely the connection is reset instead: with nothing listening on an
      // ephemeral-range port, the kernel may pick that very port as the client's own and connect
      // the socket to itself. Either way nothing is served.
      assertThatThrownBy(() -> await(connect()))
          .satisfiesAnyOf(
              e -> assertThat(e).hasRootCauseInstanceOf(ConnectException.class),
              e -> assertThat(e).isInstanceOf(SocketException.class).hasMessageContaining("reset"));
      assertThatThrownBy(this::rawSocket).isInstanceOf(ConnectException.class);
    }

    assertForwardsAgain();
  }

  @Test
  void resetKillsOpenConnectionsAndEveryNewOne() throws IOException {
    SqlConnection open = await(connect());
    try (Socket raw = rawSocket()) {
      proxy.reset();

      assertThatThrownBy(() -> raw.getInputStream().read())
          .isInstanceOf(SocketException.class)
          .hasMessageContaining("reset");
      assertThatThrownBy(() -> currentDatabase(open)).isNotInstanceOf(AssertionError.class);
    }
    int before = proxy.acceptedConnections();
    // The reset may arrive before the first read or even before the socket options are set.
    assertThatThrownBy(
            () -> {
              try (Socket fresh = rawSocket()) {
                sslProbe(fresh);
              }
            })
        .isInstanceOf(SocketException.class)
        .isNotInstanceOf(ConnectException.class);
    assertThat(proxy.acceptedConnections()).isEqualTo(before + 1);

    assertForwardsAgain();
  }

  @Test
  void blackholeLeavesClientsHangingUntilRestored() throws Exception {
    SqlConnection open = await(connect());
    proxy.blackhole();

    CompletableFuture<RowSet<Row>> query =
        pending(open.query("SELECT current_database()").execute());
    CompletableFuture<PgConnection> newConnection = pending(connect());
    assertThatThrownBy(() -> query.get(1, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
    assertThatThrownBy(() -> newConnection.get(1, TimeUnit.SECONDS))
        .isInstanceOf(TimeoutException.class);
    try (Socket raw = rawSocket()) {
      assertThatThrownBy(() -> sslProbe(raw)).isInstanceOf(SocketTimeoutException.class);
      assertThat(raw.isClosed()).isFalse();
    }
    assertThat(proxy.acceptedConnections()).isEqualTo(3);

    proxy.forward();

    assertThat(query.get(10, TimeUnit.SECONDS).iterator().next().getString(0))
        .as("the held query completes once the path heals")
        .isEqualTo(db.database());
    PgConnection late = newConnection.get(10, TimeUnit.SECONDS);
    assertThat(currentDatabase(late)).isEqualTo(db.database());
    await(late.close());
    await(open.close());
  }

  @Test
  void delayHoldsBackEveryChunk() throws IOException {
    Duration latency = Duration.ofMillis(300);
    proxy.delay(latency);
    try (Socket raw = rawSocket()) {
      raw.setSoTimeout(5000);
      long start = System.nanoTime();
      assertThat(sslProbe(raw)).isIn((int) 'N', (int) 'S');
      // A lower bound only: the request and the answer were each held back once.
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(latency.multipliedBy(2));
    }

    assertForwardsAgain();
  }

  @Test
  void closeStopsListeningAndLeavesNoThread() {
    int port = proxy.port();
    proxy.close();

    assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
        .isInstanceOf(ConnectException.class);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().startsWith("fault-proxy")));
  }

  /**
   * True when the peer closed the socket: end of input, or a reset. Refuse closes gracefully, but
   * when the close crosses a packet still in flight the kernel answers with a reset instead; both
   * mean the connection is gone, which is what refuse promises (reset mode is tested apart).
   */
  private static boolean readEndOrReset(Socket socket) throws IOException {
    try {
      return socket.getInputStream().read() == -1;
    } catch (SocketException e) {
      return String.valueOf(e.getMessage()).contains("reset");
    }
  }
}
