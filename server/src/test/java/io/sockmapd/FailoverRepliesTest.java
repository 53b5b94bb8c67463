package io.sockmapd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.net.BlockingSocketmapClient;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.FaultProxy;
import io.sockmapd.testing.KvTable;
import io.sockmapd.testing.NodeStateLog;
import io.sockmapd.testing.ProxiedDaemon;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a client is told, over a real socket to the whole daemon, when database nodes (real
 * PostgreSQL and MariaDB behind {@code FaultProxy} nodes) fail, hang, come back, or run slow
 * queries.
 */
class FailoverRepliesTest {
  @RegisterExtension static final DatabaseExtension DBS = new DatabaseExtension();
  private static final KvTable KV = new KvTable();
  private static final Logger LOG = LogManager.getLogger(FailoverRepliesTest.class);

  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);
  private static final String DEADLINE = "database did not answer in time";
  private static final String NO_NODE = "no database node available";

  private NodeStateLog log;

  @BeforeEach
  void recordNodeStates() {
    log = NodeStateLog.attach();
  }

  @AfterEach
  void stopRecording() {
    log.close();
  }

  private static ProxiedDaemon daemon(DatabaseType type, Duration shutdownTimeout) {
    return ProxiedDaemon.start(KV.database(DBS, type), 2, shutdownTimeout);
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /** Sends {@code key(n)} and checks the reply is the right one. */
  private static void assertAnswered(BlockingSocketmapClient client, int n) throws IOException {
    assertThat(client.query("kv", KvTable.key(n))).isEqualTo(KvTable.expectedReply(n));
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void eachFailureKindHasItsReply(DatabaseType type) throws IOException {
    try (ProxiedDaemon d = daemon(type, Duration.ofSeconds(2));
        BlockingSocketmapClient client = d.connect(CLIENT_TIMEOUT)) {
      assertAnswered(client, 1);

      // A broken query: PERM, the same on every node, and no node is blamed.
      SocketmapResponse broken = client.query("broken", KvTable.key(1));
      assertThat(broken.status()).isEqualTo(SocketmapStatus.PERM);
      assertThat(broken.text()).startsWith("query error");
      // A query past lookup_timeout: TIMEOUT.
      assertThat(client.query("slow", "slow-1")).isEqualTo(SocketmapResponse.timeout(DEADLINE));
      assertThat(log.lines()).isEmpty();

      // Refused connections: TEMP, naming what went wrong with the connection.
      d.nodes.forEach(FaultProxy::refuse);
      SocketmapResponse refused = client.query("kv", KvTable.key(2));
      assertThat(refused.status()).isEqualTo(SocketmapStatus.TEMP);
      // Which check notices first depends on timing: the lookup's own connection attempt
      // (failed/lost) or the probe of a node whose connection stopped answering. Either way the
      // reply is TEMP with no node left, which is what the MTA acts on.
      assertThat(refused.text())
          .matches(NO_NODE + " \\(database (connection (failed|lost)|node stopped answering)\\)");
      // Every node known down: TEMP at once.
      assertThat(client.query("kv", KvTable.key(3))).isEqualTo(SocketmapResponse.temp(NO_NODE));
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void allNodesDownAnswersTempThenRecoversWithinOneRetryInterval(DatabaseType type)
      throws IOException {
    try (ProxiedDaemon d = daemon(type, Duration.ofSeconds(2));
        BlockingSocketmapClient client = d.connect(CLIENT_TIMEOUT)) {
      assertAnswered(client, 1);

      d.nodes.forEach(FaultProxy::refuse);
      // Hits and misses alike: an outage is never NOTFOUND, and nobody waits for the deadline.
      for (int n = 0; n < 2 * KvTable.ROWS; n += 20) {
        long start = System.nanoTime();
        SocketmapResponse reply = client.query("kv", KvTable.key(n));
        assertThat(millisSince(start)).isLessThan(ProxiedDaemon.LOOKUP_TIMEOUT.toMillis());
        assertThat(reply.status()).isEqualTo(SocketmapStatus.TEMP);
        assertThat(reply.text()).startsWith(NO_NODE);
      }
      assertThat(log.changesOf(d.nodeName(0))).containsExactly("down");
      assertThat(log.changesOf(d.nodeName(1))).containsExactly("down");

      d.nodes.forEach(FaultProxy::forward);
      await()
          .atMost(ProxiedDaemon.RETRY_INTERVAL.plus(ProxiedDaemon.CONNECT_TIMEOUT).plusSeconds(1))
          .until(() -> client.query("kv", KvTable.key(3)).equals(KvTable.expectedReply(3)));
      for (int n = 0; n < 2 * KvTable.ROWS; n += 20) {
        assertAnswered(client, n);
      }
      await()
          .atMost(Duration.ofSeconds(3))
          .until(
              () -> log.changesOf(d.nodeName(0)).size() + log.changesOf(d.nodeName(1)).size() == 4);
      assertThat(log.changesOf(d.nodeName(0))).containsExactly("down", "up");
      assertThat(log.changesOf(d.nodeName(1))).containsExactly("down", "up");
    }
  }

  /**
   * Issue 11 §4: with default settings ({@code retry_interval} 10 s), lookups are right again
   * within 2 s of the database's return when it was the only node and went away: while no node is
   * up, the probes come every second at most instead of every {@code retry_interval}.
   */
  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void withDefaultSettingsLookupsAreBackWithinTwoSecondsOfTheDatabaseReturning(DatabaseType type)
      throws IOException, InterruptedException {
    try (ProxiedDaemon d =
            ProxiedDaemon.startWithDefaults(KV.database(DBS, type), 1, Duration.ofSeconds(2));
        BlockingSocketmapClient client = d.connect(CLIENT_TIMEOUT)) {
      assertAnswered(client, 1);
      d.nodes.get(0).refuse();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> client.query("kv", KvTable.key(2)).status() == SocketmapStatus.TEMP);
      assertThat(log.changesOf(d.nodeName(0))).containsExactly("down");
      // Not a synchronisation: the outage lasts a while, so the probes have reached their
      // steady pace when the database returns (a worst case, not a lucky first probe).
      Thread.sleep(3_000);

      long returned = System.nanoTime();
      d.nodes.get(0).forward();
      await()
          .atMost(DatabaseConfig.DEFAULT_RETRY_INTERVAL.plusSeconds(5))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> client.query("kv", KvTable.key(3)).equals(KvTable.expectedReply(3)));
      long backMillis = millisSince(returned);
      LOG.info("{}: lookups right again {} ms after the database returned", type, backMillis);
      assertThat(backMillis).isLessThan(2_000);
      assertThat(log.changesOf(d.nodeName(0))).containsExactly("down", "up");
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void aBlackHoledNodeCostsAtMostOneTimeoutThenTrafficGoesAround(DatabaseType type)
      throws IOException {
    try (ProxiedDaemon d = daemon(type, Duration.ofSeconds(2));
        BlockingSocketmapClient client = d.connect(CLIENT_TIMEOUT)) {
      for (int n = 0; n < 8; n++) {
        assertAnswered(client, n); // both nodes have pooled connections now
      }
      d.nodes.get(0).blackhole();
      String hung = d.nodeName(0);
      // Round-robin sends some of these to the hung node: each is retried elsewhere in time or
      // answered TIMEOUT at the deadline; never a wrong answer, never a wait past the deadline.
      int timeouts = 0;
      for (int n = 10; n < 14; n++) {
        long start = System.nanoTime();
        SocketmapResponse reply = client.query("kv", KvTable.key(n));
        assertThat(millisSince(start))
            .isLessThan(ProxiedDaemon.LOOKUP_TIMEOUT.plusMillis(500).toMillis());
        if (!reply.equals(KvTable.expectedReply(n))) {
          assertThat(reply).isEqualTo(SocketmapResponse.timeout(DEADLINE));
          timeouts++;
        }
      }
      assertThat(log.changesOf(hung)).containsExactly("down");
      // Capacity is back: every later lookup is right and none waits on the hung node.
      for (int n = 0; n < 2 * KvTable.ROWS; n += 10) {
        long start = System.nanoTime();
        assertAnswered(client, n);
        assertThat(millisSince(start)).isLessThan(ProxiedDaemon.CONNECT_TIMEOUT.toMillis());
      }
      assertThat(log.changesOf(hung)).containsExactly("down");
      assertThat(log.changesOf(d.nodeName(1))).isEmpty();
      LOG.info("black hole on {}: {} of 4 lookups answered TIMEOUT", type, timeouts);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void aLateResultAfterTimeoutNeverBecomesASecondReply(DatabaseType type) throws IOException {
    // Long enough to wait past the slow query once its TIMEOUT reply is in.
    Duration quiet = ProxiedDaemon.SLOW_QUERY.minus(ProxiedDaemon.LOOKUP_TIMEOUT).plusSeconds(2);
    try (ProxiedDaemon d = daemon(type, Duration.ofSeconds(2));
        BlockingSocketmapClient client = d.connect(quiet)) {
      long start = System.nanoTime();
      client.writeRequest("slow", "slow-1");
      client.writeRequest("slow", KvTable.key(1));
      client.writeRequest("kv", KvTable.key(KvTable.ROWS + 1));
      client.writeRequest("kv", KvTable.key(2));

      // One reply per request, in order: the slow one's TIMEOUT first, at its deadline.
      assertThat(client.readReply()).isEqualTo(SocketmapResponse.timeout(DEADLINE));
      assertThat(millisSince(start))
          .isGreaterThanOrEqualTo(ProxiedDaemon.LOOKUP_TIMEOUT.toMillis())
          .isLessThan(ProxiedDaemon.SLOW_QUERY.toMillis());
      assertThat(client.readReply()).isEqualTo(KvTable.expectedReply(1));
      assertThat(client.readReply()).isEqualTo(KvTable.expectedReply(KvTable.ROWS + 1));
      assertThat(client.readReply()).isEqualTo(KvTable.expectedReply(2));

      // The slow query's result arrives later and is dropped: not one more byte, no close.
      assertThatThrownBy(client::awaitClosedByServer).isInstanceOf(SocketTimeoutException.class);
      assertThat(millisSince(start)).isGreaterThan(ProxiedDaemon.SLOW_QUERY.toMillis());
      // The connection is still in step.
      assertAnswered(client, 3);
      assertThat(log.lines()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void shutdownWithHungNodesFinishesWithinItsLimit(DatabaseType type) throws IOException {
    Duration shutdownTimeout = Duration.ofSeconds(1);
    List<BlockingSocketmapClient> clients = new ArrayList<>();
    ProxiedDaemon d = daemon(type, shutdownTimeout);
    try {
      for (int i = 0; i < 8; i++) {
        BlockingSocketmapClient client = d.connect(CLIENT_TIMEOUT);
        clients.add(client);
        assertAnswered(client, i);
      }
      d.nodes.forEach(FaultProxy::blackhole);
      for (BlockingSocketmapClient client : clients) {
        client.writeRequest("kv", KvTable.key(7));
      }
      long start = System.nanoTime();
      d.daemon.close();
      long took = millisSince(start);
      LOG.info("shutdown on {} with hung nodes took {} ms", type, took);
      // The daemon's limit: drain for shutdown_timeout, then closing the backend and Vert.x, each
      // bounded by CLOSE_TIMEOUT (plus a second). PostgreSQL pools on a hung server use up both
      // bounds; MariaDB's close at once.
      Duration limit = shutdownTimeout.plus(Daemon.CLOSE_TIMEOUT.plusSeconds(1).multipliedBy(2));
      assertThat(took).isLessThan(limit.plusSeconds(1).toMillis());

      // Each client got a failure reply for its lookup or saw the connection closed; never data.
      for (BlockingSocketmapClient client : clients) {
        try {
          assertThat(client.readReply().status())
              .isIn(SocketmapStatus.TEMP, SocketmapStatus.TIMEOUT);
        } catch (EOFException closed) {
          // closed at the end of the drain time
        } catch (SocketException reset) {
          // closed with the request still unread in the daemon's socket (a loaded host had not
          // read it yet): the kernel resets instead of a clean close. Still no data.
          assertThat(reset).hasMessageContaining("reset");
        }
      }
    } finally {
      for (BlockingSocketmapClient client : clients) {
        client.close();
      }
      d.close();
    }
  }
}
