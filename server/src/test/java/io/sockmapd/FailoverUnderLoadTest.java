package io.sockmapd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.testing.ClosedLoopClients;
import io.sockmapd.testing.ClosedLoopClients.Sample;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.KvTable;
import io.sockmapd.testing.NodeFault;
import io.sockmapd.testing.NodeStateLog;
import io.sockmapd.testing.ProxiedDaemon;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One of three database nodes fails while 32 real client connections run closed-loop lookups
 * through the whole daemon: sockets, codec, lookup handler, SQL map and cluster executor, against
 * real PostgreSQL and MariaDB behind {@code FaultProxy} nodes.
 */
class FailoverUnderLoadTest {
  @RegisterExtension static final DatabaseExtension DBS = new DatabaseExtension();
  private static final KvTable KV = new KvTable();
  private static final Logger LOG = LogManager.getLogger(FailoverUnderLoadTest.class);

  private static final int CLIENTS = 32;

  /** Exchanges to see after the node went down: enough that each client used each node. */
  private static final int AFTER_DOWN = 1000;

  static Stream<Arguments> faultsOnEachEngine() {
    return Stream.of(NodeFault.values())
        .flatMap(f -> DatabaseExtension.networkTypes().map(t -> Arguments.of(f, t)));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("faultsOnEachEngine")
  void oneNodeFailingNeverCostsAWrongAnswer(NodeFault fault, DatabaseType type) throws Exception {
    try (NodeStateLog log = NodeStateLog.attach();
        ProxiedDaemon d = ProxiedDaemon.start(KV.database(DBS, type), 3, Duration.ofSeconds(2));
        ClosedLoopClients load =
            new ClosedLoopClients(CLIENTS, "kv", i -> d.connect(Duration.ofSeconds(10)))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> load.size() > 300);
      assertThat(log.lines()).as("node state changes before the fault").isEmpty();

      long faultStarts = System.nanoTime();
      fault.applyTo(d.nodes.get(0));
      long faultOn = System.nanoTime();
      String failed = d.nodeName(0);
      await().atMost(Duration.ofSeconds(10)).until(() -> log.firstDownNanos(failed) > 0);
      long downAt = log.firstDownNanos(failed);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> load.countStartedAfter(downAt) > AFTER_DOWN);
      List<Sample> samples = load.stop(Duration.ofSeconds(10));
      report(fault, type, samples, faultStarts, faultOn, downAt);

      // Every exchange got a reply; an outage never looks like data: no wrong value, no NOTFOUND
      // for a key that exists, no OK for one that doesn't.
      assertThat(samples).allSatisfy(s -> assertThat(s.error()).isNull());
      assertThat(samples)
          .filteredOn(s -> !s.correct())
          .allSatisfy(
              s -> {
                // Only lookups already in flight when the fault struck may fail, as TEMP/TIMEOUT.
                assertThat(s.reply().status()).isIn(SocketmapStatus.TEMP, SocketmapStatus.TIMEOUT);
                assertThat(s.startNanos()).isLessThan(faultOn);
              });
      // Once the node is out, every lookup is right, and none waits on the failed node.
      List<Sample> later = samples.stream().filter(s -> s.startNanos() > downAt).toList();
      assertThat(later).allMatch(Sample::correct);
      assertThat(later)
          .allMatch(
              s -> s.endNanos() - s.startNanos() < ProxiedDaemon.CONNECT_TIMEOUT.toNanos(),
              "answered without waiting on the failed node");
      // The state change is logged once, however many lookups saw it; other nodes stay up.
      assertThat(log.changesOf(failed)).as(log.lines().toString()).containsExactly("down");
      assertThat(log.changesOf(d.nodeName(1))).isEmpty();
      assertThat(log.changesOf(d.nodeName(2))).isEmpty();

      d.nodes.get(0).forward();
      await()
          .atMost(ProxiedDaemon.RETRY_INTERVAL.plus(ProxiedDaemon.CONNECT_TIMEOUT).plusSeconds(1))
          .until(() -> log.changesOf(failed).size() == 2);
      assertThat(log.changesOf(failed)).containsExactly("down", "up");
      for (int key = 0; key < 12; key++) {
        assertThat(d.query("kv", KvTable.key(key))).isEqualTo(KvTable.expectedReply(key));
      }
    }
  }

  private static void report(
      NodeFault fault,
      DatabaseType type,
      List<Sample> samples,
      long faultStarts,
      long faultOn,
      long downAt) {
    Map<SocketmapStatus, Integer> wrong = new EnumMap<>(SocketmapStatus.class);
    long hits = 0;
    for (Sample s : samples) {
      hits += s.key() < KvTable.ROWS ? 1 : 0;
      if (!s.correct() && s.reply() != null) {
        wrong.merge(s.reply().status(), 1, Integer::sum);
      }
    }
    LOG.info(
        "{} on {}: {} lookups ({} hits), {} in flight when the fault struck, not answered right:"
            + " {}, node down {} ms after the fault",
        fault,
        type,
        samples.size(),
        hits,
        samples.stream()
            .filter(s -> s.startNanos() < faultOn && s.endNanos() > faultStarts)
            .count(),
        wrong,
        (downAt - faultOn) / 1_000_000);
  }
}
