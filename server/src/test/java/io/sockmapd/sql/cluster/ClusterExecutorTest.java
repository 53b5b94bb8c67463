package io.sockmapd.sql.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sockmapd.cluster.NodeStateListener;
import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.config.MapConfig;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.sql.LookupChain;
import io.sockmapd.sql.PoolFactory;
import io.sockmapd.sql.SqlDialect;
import io.sockmapd.sql.SqlErrorClassifier;
import io.sockmapd.sql.SqlMap;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.FaultProxy;
import io.sockmapd.testing.KvTable;
import io.sockmapd.testing.NodeFault;
import io.sockmapd.testing.RaisingRoutine;
import io.sockmapd.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collector;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cluster executor against real PostgreSQL and MariaDB, each node a {@link FaultProxy} in front
 * of the same database, faults switched while lookups run.
 */
class ClusterExecutorTest {
  @RegisterExtension static final DatabaseExtension DBS = new DatabaseExtension();

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration RETRY_INTERVAL = Duration.ofMillis(500);
  private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(3);
  private static final KvTable KV = new KvTable();

  private static String lookupSql(DatabaseType type) {
    return type == DatabaseType.POSTGRESQL
        ? "SELECT v FROM kv WHERE k = $1"
        : "SELECT v FROM kv WHERE k = ?";
  }

  /** A statement that answers only after {@code seconds}. */
  private static String sleepSql(DatabaseType type, double seconds) {
    return type == DatabaseType.POSTGRESQL
        ? "SELECT CAST(pg_sleep(" + seconds + ") AS TEXT) AS v"
        : "SELECT CAST(SLEEP(" + seconds + ") AS CHAR) AS v";
  }

  private static <T> T join(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
    join(vertx.close());
  }

  static Stream<Arguments> faultsOnEachEngine() {
    return Stream.of(NodeFault.values())
        .flatMap(
            f ->
                Stream.of(DatabaseType.POSTGRESQL, DatabaseType.MYSQL)
                    .map(t -> Arguments.of(f, t)));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("faultsOnEachEngine")
  void oneNodeFailingUnderLoadNeverCostsAWrongAnswer(NodeFault fault, DatabaseType type) {
    Cluster c = cluster(type, 3);
    Load load = new Load(c, 32);
    await().atMost(Duration.ofSeconds(10)).until(() -> load.samples.size() > 500);

    fault.applyTo(c.proxies.get(0));
    await().atMost(Duration.ofSeconds(10)).until(() -> !c.eventsOf(0).isEmpty());
    long downAt = c.eventsOf(0).get(0).nanos();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> load.samples.stream().filter(s -> s.startNanos() > downAt).count() > 2000);
    List<Sample> samples = load.stopAndCollect();

    // An outage never looks like data: no wrong value, no NOTFOUND.
    assertThat(samples).filteredOn(s -> s.result().isDefinitive()).allMatch(Sample::correct);
    // Only lookups already running when the node failed may fail, and only with TEMP/TIMEOUT.
    assertThat(samples)
        .filteredOn(s -> !s.correct())
        .allSatisfy(
            s -> {
              assertThat(s.startNanos()).isLessThan(downAt);
              assertThat(s.result().status()).isIn(SocketmapStatus.TEMP, SocketmapStatus.TIMEOUT);
            });
    // Once the node is out, every lookup is answered right, and none waits on the failed node.
    List<Sample> later = samples.stream().filter(s -> s.startNanos() > downAt).toList();
    assertThat(later).allMatch(Sample::correct);
    assertThat(later).allMatch(s -> s.endNanos() - s.startNanos() < CONNECT_TIMEOUT.toNanos());
    // One state change, reported once, for the failed node only.
    assertThat(c.eventsOf(0)).extracting(Event::up).containsExactly(false);
    assertThat(c.eventsOf(1)).isEmpty();
    assertThat(c.eventsOf(2)).isEmpty();
    assertThat(c.executor.nodesUp()).isEqualTo(2);

    c.proxies.get(0).forward();
    c.awaitAllUp(RETRY_INTERVAL.plus(CONNECT_TIMEOUT).plus(Duration.ofSeconds(1)));
    assertThat(c.eventsOf(0)).extracting(Event::up).containsExactly(false, true);
    for (int key = 0; key < 30; key++) {
      assertThat(c.lookupResult(key)).isEqualTo(LookupResult.found("value-" + key));
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void theLookupThatFindsANodeDeadIsRetriedOnAnotherNode(DatabaseType type) {
    Cluster c = cluster(type, 2);
    for (NodeFault fault : NodeFault.values()) {
      fault.applyTo(c.proxies.get(0)); // not yet noticed: the node is still in the rotation
      for (int key = 0; key < 4; key++) {
        assertThat(c.lookupResult(key)).isEqualTo(LookupResult.found("value-" + key));
      }
      assertThat(c.executor.nodesUp()).isEqualTo(1);
      c.proxies.get(0).forward();
      c.awaitAllUp(RETRY_INTERVAL.plus(CONNECT_TIMEOUT).plus(Duration.ofSeconds(1)));
    }
    assertThat(c.eventsOf(0))
        .extracting(Event::up)
        .containsExactly(false, true, false, true, false, true);
    assertThat(c.eventsOf(1)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void allNodesDownAnswersTempAtOnceAndRecoversWithinOneRetryInterval(DatabaseType type) {
    Cluster c = cluster(type, 2);
    assertThat(c.lookupResult(1)).isEqualTo(LookupResult.found("value-1"));

    c.proxies.forEach(FaultProxy::refuse);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              c.lookupResult(2);
              assertThat(c.executor.nodesUp()).isZero();
            });
    for (int key = 0; key < 20; key++) {
      long start = System.nanoTime();
      LookupResult result = c.lookupResult(key);
      long elapsed = System.nanoTime() - start;
      assertThat(result.status()).isEqualTo(SocketmapStatus.TEMP);
      assertThat(result.text()).startsWith("no database node available");
      // Nothing waits on a dead node: far below the lookup deadline.
      assertThat(elapsed).isLessThan(LOOKUP_TIMEOUT.toNanos() / 4);
    }

    c.proxies.forEach(FaultProxy::forward);
    await()
        .atMost(RETRY_INTERVAL.plus(CONNECT_TIMEOUT).plus(Duration.ofSeconds(1)))
        .until(() -> c.lookupResult(3).equals(LookupResult.found("value-3")));
    c.awaitAllUp(Duration.ofSeconds(3));
    assertThat(c.eventsOf(0)).extracting(Event::up).containsExactly(false, true);
    assertThat(c.eventsOf(1)).extracting(Event::up).containsExactly(false, true);
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void aResultAfterTheDeadlineIsDroppedAndDoesNotBlameTheNode(DatabaseType type) {
    Cluster c = cluster(type, 2, Duration.ofSeconds(1), 1000);
    AtomicInteger completions = new AtomicInteger();
    Future<RowSet<Row>> slow = c.executor.execute(sleepSql(type, 2), Tuple.tuple());
    slow.onComplete(ar -> completions.incrementAndGet());

    assertThat(toResult(slow).status()).isEqualTo(SocketmapStatus.TIMEOUT);
    // The database answers a second later; the lookup stays answered once.
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> completions.get() == 1);
    // The probe the deadline started found the node answering: a slow query is no outage.
    assertThat(c.events).isEmpty();
    assertThat(c.executor.nodesUp()).isEqualTo(2);
    // And it serves: within a few tries, as a loaded host can miss the 1 s deadline once more.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> c.lookupResult(5).equals(LookupResult.found("value-5")));
    assertThat(c.events).isEmpty();
  }

  /**
   * Regression: a lookup that waited {@code connect_timeout} for a connection of a saturated pool
   * used to take the node down, so a burst took every node down and the daemon answered TEMP for
   * {@code retry_interval} although all databases were healthy.
   */
  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void aSaturatedPoolIsBusyNotDown(DatabaseType type) {
    Cluster c = cluster(type, 2);
    // 2 nodes x 4 connections run 8 at a time: the third round waits longer than connect_timeout.
    List<Future<RowSet<Row>>> burst = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      burst.add(c.executor.execute(sleepSql(type, 0.6), Tuple.tuple()));
    }
    for (Future<RowSet<Row>> lookup : burst) {
      LookupResult result = toResult(lookup);
      assertThat(result.status())
          .isIn(SocketmapStatus.OK, SocketmapStatus.TEMP, SocketmapStatus.TIMEOUT);
      if (result.status() == SocketmapStatus.TEMP) {
        // Honest: the nodes are up, only every connection is taken.
        assertThat(result.text()).isEqualTo("database busy (no connection free in time)");
      }
    }
    // The probes the long waits started found both nodes answering.
    await()
        .during(RETRY_INTERVAL.plus(CONNECT_TIMEOUT))
        .atMost(RETRY_INTERVAL.plus(CONNECT_TIMEOUT).plusSeconds(1))
        .untilAsserted(
            () -> {
              assertThat(c.events).isEmpty();
              assertThat(c.executor.nodesUp()).isEqualTo(2);
            });
    assertThat(c.lookupResult(7)).isEqualTo(LookupResult.found("value-7"));
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void aQueryErrorIsReturnedAsIsAndTakesNoNodeDown(DatabaseType type) {
    Cluster c = cluster(type, 2);
    String bad = lookupSql(type).replace("SELECT v", "SELECT no_such_column");
    for (int i = 0; i < 4; i++) {
      LookupResult result = toResult(c.executor.execute(bad, Tuple.of("key-1")));
      assertThat(result.status()).isEqualTo(SocketmapStatus.PERM);
    }
    assertThat(c.events).isEmpty();
    assertThat(c.executor.nodesUp()).isEqualTo(2);
  }

  /**
   * Regression (issue 10 §3): the cluster took a node down for any failure whose message mentioned
   * "closed" or "reset" and was not a database error, so a failure of our own while taking the rows
   * took every node down in turn. An error a function raises with such words is the query's too.
   */
  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void aFailureThatOnlyMentionsAConnectionTakesNoNodeDown(DatabaseType type) {
    Cluster c = cluster(type, 2);
    String raise = RaisingRoutine.create(KV.database(DBS, type));
    for (String message :
        List.of(
            "connection closed", "Connection reset by peer", "Timeout waiting for connection")) {
      for (int i = 0; i < 2; i++) {
        LookupResult result = toResult(c.executor.execute(raise, Tuple.of(message)));
        assertThat(result.status()).as(message).isEqualTo(SocketmapStatus.TEMP);
      }
    }
    Collector<Row, ?, String> failing =
        Collector.of(
            StringBuilder::new,
            (text, row) -> {
              throw new IllegalStateException("row stream closed");
            },
            StringBuilder::append,
            StringBuilder::toString);
    for (int i = 0; i < 2; i++) {
      Throwable failure = failure(c.executor.collect(lookupSql(type), Tuple.of("key-1"), failing));
      assertThat(failure).hasMessage("row stream closed");
    }
    assertThat(c.events).isEmpty();
    assertThat(c.executor.nodesUp()).isEqualTo(2);
    assertThat(c.lookupResult(1)).isEqualTo(LookupResult.found("value-1"));
  }

  /**
   * A backend killed under a running statement (pg_terminate_backend, KILL CONNECTION) is a
   * connection failure: its node goes down and the lookup is answered by the other node.
   */
  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void aKilledBackendTakesItsNodeDownAndTheLookupMovesOn(DatabaseType type) {
    Cluster c = cluster(type, 2);
    TestDatabase db = KV.database(DBS, type);
    Future<RowSet<Row>> slow = c.executor.execute(sleepSql(type, 1.01), Tuple.tuple());
    String find =
        type == DatabaseType.POSTGRESQL
            ? "SELECT pid FROM pg_stat_activity WHERE query LIKE '%pg_sleep(1.01)%'"
                + " AND pid <> pg_backend_pid()"
            : "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(1.01)%'"
                + " AND ID <> CONNECTION_ID()";
    AtomicInteger killed = new AtomicInteger();
    await()
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(() -> killed.set(((Number) db.queryValue(find)).intValue()));
    db.execute(
        type == DatabaseType.POSTGRESQL
            ? "SELECT pg_terminate_backend(" + killed.get() + ")"
            : "KILL CONNECTION " + killed.get());

    assertThat(join(slow).size()).isEqualTo(1); // answered by the other node
    await().atMost(Duration.ofSeconds(5)).until(() -> !c.events.isEmpty());
    Event down = c.events.peek();
    assertThat(down.up()).isFalse();
    int failed = c.node(0).equals(down.node()) ? 0 : 1;
    assertThat(c.eventsOf(1 - failed)).isEmpty();
    System.out.println(type + " killed backend: node down: " + down.reason());
    c.awaitAllUp(RETRY_INTERVAL.plus(CONNECT_TIMEOUT).plus(Duration.ofSeconds(1)));
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void lookupsBeyondMaxInFlightFailFastWithTemp(DatabaseType type) {
    Cluster c = cluster(type, 2, LOOKUP_TIMEOUT, 2);
    Future<RowSet<Row>> first = c.executor.execute(sleepSql(type, 1), Tuple.tuple());
    Future<RowSet<Row>> second = c.executor.execute(sleepSql(type, 1), Tuple.tuple());

    assertThat(c.lookupResult(1)).isEqualTo(LookupResult.temp("too many lookups in flight"));

    assertThat(toResult(first).status()).isEqualTo(SocketmapStatus.OK);
    assertThat(toResult(second).status()).isEqualTo(SocketmapStatus.OK);
    assertThat(c.lookupResult(1)).isEqualTo(LookupResult.found("value-1"));
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void closeFinishesWithinItsLimitWhileNodesHang(DatabaseType type) throws Exception {
    Cluster c = cluster(type, 2);
    for (int key = 0; key < 20; key++) {
      assertThat(c.lookupResult(key)).isEqualTo(LookupResult.found("value-" + key));
    }
    c.proxies.forEach(FaultProxy::blackhole);
    List<CompletionStage<LookupResult>> hanging = new ArrayList<>();
    for (int key = 0; key < 8; key++) {
      hanging.add(c.lookup(key));
    }

    Future<Void> closing = c.executor.close(Duration.ofSeconds(1));

    await().atMost(Duration.ofMillis(1800)).until(closing::isComplete);
    for (CompletionStage<LookupResult> lookup : hanging) {
      assertThat(lookup.toCompletableFuture().get(10, TimeUnit.SECONDS).status())
          .isIn(SocketmapStatus.TEMP, SocketmapStatus.TIMEOUT);
    }
  }

  /**
   * Issue 11 §4: while another node answers, a down node is left alone for {@code retry_interval};
   * once no node is up, every down node is probed about every second, including the one whose probe
   * was planned for {@code retry_interval} (10 s here) when it went down.
   */
  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MYSQL"})
  void downNodesAreProbedEverySecondOnlyWhileNoNodeIsUp(DatabaseType type)
      throws InterruptedException {
    Cluster c = new Cluster(type, 2, LOOKUP_TIMEOUT, 1000, DatabaseConfig.DEFAULT_RETRY_INTERVAL);
    cleanup.add(c);
    FaultProxy first = c.proxies.get(0);
    FaultProxy second = c.proxies.get(1);
    first.reset(); // accepts and resets: each connection attempt is counted
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> c.lookupResult(1).isDefinitive() && !c.eventsOf(0).isEmpty());
    int firstBefore = first.acceptedConnections();
    // An observation window, not a synchronisation: nothing may connect to the down node.
    Thread.sleep(3_000);
    assertThat(first.acceptedConnections()).isEqualTo(firstBefore);

    second.reset();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> c.lookupResult(1).status() == SocketmapStatus.TEMP && !c.eventsOf(1).isEmpty());
    firstBefore = first.acceptedConnections();
    int secondBefore = second.acceptedConnections();
    Thread.sleep(3_000); // observation window: probes at 0.5 s, then every second
    assertThat(first.acceptedConnections() - firstBefore).isBetween(2, 6);
    assertThat(second.acceptedConnections() - secondBefore).isBetween(2, 6);
  }

  // ---------------------------------------------------------------------------------------------

  /** Node state changes as the listener heard them, with the time they happened. */
  record Event(long nanos, String node, boolean up, String reason) {}

  final class Cluster implements AutoCloseable {
    final DatabaseType type;
    final List<FaultProxy> proxies = new ArrayList<>();
    final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
    final ClusterExecutor executor;
    final DatabaseConfig config;

    /** The full lookup path: key policy, query template, executor, result formatting. */
    final SqlMap map;

    Cluster(DatabaseType type, int nodes, Duration lookupTimeout, int maxInFlight) {
      this(type, nodes, lookupTimeout, maxInFlight, RETRY_INTERVAL);
    }

    Cluster(
        DatabaseType type,
        int nodes,
        Duration lookupTimeout,
        int maxInFlight,
        Duration retryInterval) {
      this.type = type;
      TestDatabase db = KV.database(DBS, type);
      proxies.addAll(FaultProxy.startNodes(db.config().hosts().get(0), nodes));
      List<HostAndPort> hosts = proxies.stream().map(FaultProxy::hostAndPort).toList();
      config =
          db.config("clustered", hosts, CONNECT_TIMEOUT, lookupTimeout, retryInterval, maxInFlight);
      executor =
          new ClusterExecutor(
              vertx,
              config,
              host -> PoolFactory.forNode(vertx, config, host),
              new NodeStateListener() {
                @Override
                public void nodeDown(String database, HostAndPort node, String reason) {
                  events.add(new Event(System.nanoTime(), node.toString(), false, reason));
                }

                @Override
                public void nodeUp(String database, HostAndPort node) {
                  events.add(new Event(System.nanoTime(), node.toString(), true, ""));
                }
              });
      map =
          LookupChain.sqlMap(
              new MapConfig(
                  "kv",
                  config.name(),
                  "SELECT v FROM kv WHERE k = '%s'",
                  "%s",
                  List.of(),
                  0,
                  false,
                  "",
                  List.of(),
                  null,
                  true,
                  List.of()),
              SqlDialect.of(type),
              executor,
              io.sockmapd.config.Limits.DEFAULT_MAX_REPLY_SIZE);
    }

    String node(int i) {
      return proxies.get(i).hostAndPort().toString();
    }

    /**
     * Waits until every node is in the rotation and the listener has heard it. The executor puts a
     * node back before it tells the listener, so a count of nodes up alone can run ahead of the
     * events the tests check.
     */
    void awaitAllUp(Duration atMost) {
      await()
          .atMost(atMost)
          .until(
              () ->
                  executor.nodesUp() == proxies.size()
                      && IntStream.range(0, proxies.size())
                          .mapToObj(this::eventsOf)
                          .allMatch(e -> e.isEmpty() || e.get(e.size() - 1).up()));
    }

    List<Event> eventsOf(int i) {
      return events.stream().filter(e -> e.node.equals(node(i))).toList();
    }

    CompletionStage<LookupResult> lookup(int key) {
      return map.lookup("key-" + key);
    }

    /** Runs one lookup to its end: what a client would have been told. */
    LookupResult lookupResult(int key) {
      try {
        return lookup(key).toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      join(executor.close(Duration.ofSeconds(2)));
      proxies.forEach(FaultProxy::close);
    }
  }

  private Cluster cluster(DatabaseType type, int nodes) {
    return cluster(type, nodes, LOOKUP_TIMEOUT, 1000);
  }

  private Cluster cluster(DatabaseType type, int nodes, Duration lookupTimeout, int maxInFlight) {
    Cluster cluster = new Cluster(type, nodes, lookupTimeout, maxInFlight);
    cleanup.add(cluster);
    return cluster;
  }

  private static Throwable failure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    throw new AssertionError("expected a failure");
  }

  private static LookupResult toResult(Future<RowSet<Row>> future) {
    try {
      RowSet<Row> rows = future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return rows.size() == 0
          ? LookupResult.notFound()
          : LookupResult.found(rows.iterator().next().getString(0));
    } catch (java.util.concurrent.ExecutionException e) {
      return SqlErrorClassifier.classify(e.getCause()).result();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** One finished lookup of the load loops. */
  record Sample(long startNanos, long endNanos, int key, LookupResult result) {
    boolean correct() {
      return result.status() == SocketmapStatus.OK && result.text().equals("value-" + key);
    }
  }

  /** Lookup loops, each starting its next lookup when the last one finished. */
  static final class Load {
    final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicInteger running = new AtomicInteger();
    final Cluster cluster;

    Load(Cluster cluster, int loops) {
      this.cluster = cluster;
      running.set(loops);
      for (int i = 0; i < loops; i++) {
        next();
      }
    }

    private void next() {
      if (stop.get()) {
        running.decrementAndGet();
        return;
      }
      int key = ThreadLocalRandom.current().nextInt(KvTable.ROWS);
      long start = System.nanoTime();
      cluster
          .lookup(key)
          .whenComplete(
              (result, failure) -> {
                // MapLookup never fails for an outage: a failure here is a bug, kept as PERM.
                LookupResult seen =
                    failure == null ? result : LookupResult.perm("lookup failed: " + failure);
                samples.add(new Sample(start, System.nanoTime(), key, seen));
                next();
              });
    }

    List<Sample> stopAndCollect() {
      stop.set(true);
      await().atMost(Duration.ofSeconds(10)).until(() -> running.get() == 0);
      return List.copyOf(samples);
    }
  }
}
