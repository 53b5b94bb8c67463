package io.sockmapd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sockmapd.cli.Backends;
import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.Endpoint;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.config.Limits;
import io.sockmapd.config.MapConfig;
import io.sockmapd.config.Secret;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.net.BlockingSocketmapClient;
import io.sockmapd.testing.ContainerDatabases;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.KvTable;
import io.sockmapd.testing.NodeStateLog;
import io.sockmapd.testing.ProxiedDaemon;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The daemon against a real two-node PostgreSQL cluster: a primary and a hot standby fed by
 * streaming replication (made with {@code pg_basebackup -R}), each in its own container. What the
 * in-process {@code FaultProxy} cannot give: a node whose whole host freezes ({@code docker pause}:
 * the kernel still holds the TCP connections, nothing answers on them) and a node whose server
 * really stops, while the other node is a separate server that serves the same rows.
 *
 * <p>Runs where a Docker engine answers; skipped otherwise, and a failure under {@code CI=true}
 * with {@code SOCKMAPD_TEST_CONTAINERS=true}. The methods run in order: the last one stops the
 * primary for good.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StreamingReplicaFailoverTest {
  private static final String DATABASE = "test";
  private static final String USER = "test";
  private static final String PASSWORD = "test";
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

  /** Lets the standby take a base backup and stream WAL; run by the image's first start. */
  private static final String ALLOW_REPLICATION =
      "printf 'host replication all all scram-sha-256\\n' >> \"$PGDATA/pg_hba.conf\"\n";

  /**
   * The standby's command: a base backup of the primary with {@code -R} (standby.signal and the
   * primary's address in postgresql.auto.conf), then the server as a hot standby. Plain shell, so
   * it runs on the public image and on CI's stand-in alike (both have the PostgreSQL 15 binaries in
   * this folder, and runuser).
   */
  private static final String STANDBY_SCRIPT =
      """
      set -e
      export PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
      mkdir -p "$PGDATA" /run/postgresql
      chown postgres:postgres "$PGDATA" /run/postgresql
      chmod 700 "$PGDATA"
      until runuser -u postgres -- pg_basebackup -h primary -U test -D "$PGDATA" -R -X stream; do
        rm -rf "${PGDATA:?}"/*
        sleep 1
      done
      exec setpriv --reuid=postgres --regid=postgres --init-groups \\
        postgres -D "$PGDATA" -c listen_addresses='*' -c hot_standby=on
      """;

  private static Network network;
  private static PostgreSQLContainer primary;
  private static GenericContainer<?> standby;

  private NodeStateLog log;
  private Daemon daemon;
  private InetSocketAddress address;

  @BeforeAll
  @SuppressWarnings("resource") // stopped in stopCluster, or at exit if that never runs
  static void startCluster() throws Exception {
    ContainerDatabases.requireDocker("a two-node PostgreSQL cluster");
    network = Network.newNetwork();
    primary =
        new PostgreSQLContainer(ContainerDatabases.postgresImage())
            .withDatabaseName(DATABASE)
            .withUsername(USER)
            .withPassword(PASSWORD)
            .withNetwork(network)
            .withNetworkAliases("primary")
            .withCopyToContainer(
                Transferable.of(ALLOW_REPLICATION), "/docker-entrypoint-initdb.d/replication.sh")
            .withLabel(ContainerDatabases.LABEL, "true");
    ContainerDatabases.stopAtExit(primary);
    primary.start();
    // Rows first: the base backup takes them along, and the standby serves them while the
    // primary is gone.
    var created = primary.execInContainer("psql", "-U", USER, "-d", DATABASE, "-c", kvScript());
    assertThat(created.getExitCode()).as(created.getStderr()).isZero();

    standby =
        new GenericContainer<>(ContainerDatabases.postgresImage())
            .withNetwork(network)
            .withEnv("PGPASSWORD", PASSWORD)
            .withCommand("bash", "-c", STANDBY_SCRIPT)
            .withExposedPorts(PostgreSQLContainer.POSTGRESQL_PORT)
            .waitingFor(
                Wait.forLogMessage(".*ready to accept read-only connections.*\\s", 1)
                    .withStartupTimeout(Duration.ofMinutes(3)))
            .withLabel(ContainerDatabases.LABEL, "true");
    ContainerDatabases.stopAtExit(standby);
    standby.start();
  }

  private static String kvScript() {
    StringBuilder sql =
        new StringBuilder("CREATE TABLE kv (k VARCHAR(64) PRIMARY KEY, v VARCHAR(64));");
    sql.append("INSERT INTO kv (k, v) VALUES ('slow-1', 'slow-value')");
    for (int i = 0; i < KvTable.ROWS; i++) {
      sql.append(",('key-").append(i).append("','value-").append(i).append("')");
    }
    return sql.append(';').toString();
  }

  @AfterAll
  static void stopCluster() {
    if (standby != null) {
      standby.stop();
    }
    if (primary != null) {
      primary.stop();
    }
    if (network != null) {
      network.close();
    }
  }

  @BeforeEach
  void startDaemon() throws Exception {
    log = NodeStateLog.attach();
    DatabaseConfig defaults =
        DatabaseExtension.config(
            DatabaseType.POSTGRESQL,
            List.of(node(primary), node(standby)),
            DATABASE,
            USER,
            Secret.of(PASSWORD),
            null);
    DatabaseConfig cluster =
        defaults.toBuilder()
            .name("cluster")
            .connectTimeout(ProxiedDaemon.CONNECT_TIMEOUT)
            .lookupTimeout(ProxiedDaemon.LOOKUP_TIMEOUT)
            .retryInterval(ProxiedDaemon.RETRY_INTERVAL)
            .maxInFlight(1000)
            .build();
    MapConfig kv =
        new MapConfig(
            "kv",
            "cluster",
            "SELECT v FROM kv WHERE k = '%s'",
            "%s",
            List.of(),
            0,
            false,
            "",
            List.of(),
            null,
            true,
            List.of());
    daemon =
        Daemon.start(
            new SockmapdConfig(
                List.of(new Endpoint.Inet("127.0.0.1", 0)),
                SockmapdConfig.DEFAULT_UNIX_SOCKET_MODE,
                Limits.defaults(),
                Duration.ofSeconds(2),
                Map.of(cluster.name(), cluster),
                Map.of(kv.name(), kv),
                null),
            Backends.DEFAULT);
    address = new InetSocketAddress(InetAddress.getLoopbackAddress(), daemon.server().port());
  }

  @AfterEach
  void stopDaemon() {
    // Thaw first: the daemon's close would otherwise wait on connections to a frozen node.
    unpause(primary);
    unpause(standby);
    try {
      if (daemon != null) {
        daemon.close();
      }
    } finally {
      log.close();
    }
  }

  private static HostAndPort node(GenericContainer<?> container) {
    return new HostAndPort(
        container.getHost(), container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT));
  }

  private static String nodeName(GenericContainer<?> container) {
    return node(container).toString();
  }

  private static void pause(GenericContainer<?> container) {
    container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
  }

  private static void unpause(GenericContainer<?> container) {
    if (container.getContainerInfo() == null || !container.isRunning()) {
      return;
    }
    var state =
        container
            .getDockerClient()
            .inspectContainerCmd(container.getContainerId())
            .exec()
            .getState();
    if (Boolean.TRUE.equals(state.getPaused())) {
      container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
    }
  }

  private BlockingSocketmapClient connect() throws IOException {
    return BlockingSocketmapClient.connect(address, CLIENT_TIMEOUT);
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /** Lookups spread over both nodes (round-robin), every one answered right. */
  private static void assertAllAnswered(BlockingSocketmapClient client) throws IOException {
    for (int n = 0; n < KvTable.ROWS + 20; n += 10) {
      assertThat(client.query("kv", KvTable.key(n))).isEqualTo(KvTable.expectedReply(n));
    }
  }

  /**
   * Lookups while {@code lost} has just gone: each one is answered right, or (only a lookup that
   * was in flight on the lost node) TIMEOUT or TEMP within its deadline; none is NOTFOUND or wrong,
   * none waits past the deadline. Then every lookup is answered right without waiting.
   */
  private void assertAnsweredAround(BlockingSocketmapClient client, GenericContainer<?> lost)
      throws IOException {
    for (int n = 10; n < 14; n++) {
      long start = System.nanoTime();
      SocketmapResponse reply = client.query("kv", KvTable.key(n));
      assertThat(millisSince(start))
          .isLessThan(ProxiedDaemon.LOOKUP_TIMEOUT.plusMillis(500).toMillis());
      if (!reply.equals(KvTable.expectedReply(n))) {
        assertThat(reply.status()).isIn(SocketmapStatus.TIMEOUT, SocketmapStatus.TEMP);
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> log.changesOf(nodeName(lost)).size() == 1);
    assertThat(log.changesOf(nodeName(lost))).containsExactly("down");
    for (int n = 0; n < KvTable.ROWS + 20; n += 5) {
      long start = System.nanoTime();
      assertThat(client.query("kv", KvTable.key(n))).isEqualTo(KvTable.expectedReply(n));
      assertThat(millisSince(start)).isLessThan(ProxiedDaemon.CONNECT_TIMEOUT.toMillis());
    }
  }

  @Test
  @Order(1)
  void aFrozenPrimaryLeavesTheStandbyAnsweringAndComesBackIntoRotation() throws IOException {
    try (BlockingSocketmapClient client = connect()) {
      assertAllAnswered(client); // both nodes have pooled connections now

      pause(primary);
      assertAnsweredAround(client, primary);
      assertThat(log.changesOf(nodeName(standby))).isEmpty();

      unpause(primary);
      await()
          .atMost(ProxiedDaemon.RETRY_INTERVAL.plus(ProxiedDaemon.CONNECT_TIMEOUT).plusSeconds(5))
          .until(() -> log.changesOf(nodeName(primary)).size() == 2);
      assertThat(log.changesOf(nodeName(primary))).containsExactly("down", "up");
      assertAllAnswered(client);

      // Back in rotation for real: with the standby frozen in turn, the primary answers alone.
      pause(standby);
      assertAnsweredAround(client, standby);
    }
  }

  @Test
  @Order(2)
  void aStoppedPrimaryLeavesTheStandbyAnswering() throws IOException {
    try (BlockingSocketmapClient client = connect()) {
      assertAllAnswered(client);

      // docker stop: PostgreSQL shuts down (its connections close), then the container is gone.
      primary.getDockerClient().stopContainerCmd(primary.getContainerId()).exec();
      assertAnsweredAround(client, primary);
      assertThat(log.changesOf(nodeName(standby))).isEmpty();
    }
  }

  @Test
  @Order(0)
  void theStandbyIsAHotStandbyWithThePrimarysRows() throws Exception {
    var read =
        standby.execInContainer(
            "psql",
            "-U",
            USER,
            "-tA",
            "-d",
            DATABASE,
            "-c",
            "SELECT pg_is_in_recovery(), count(*) FROM kv");
    assertThat(read.getStdout().strip()).as(read.getStderr()).isEqualTo("t|" + (KvTable.ROWS + 1));
  }
}
