package io.sockmapd.soak;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sockmapd.codec.HexQuote;
import io.sockmapd.codec.PolicyRequestDecoder;
import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.Limits;
import io.sockmapd.net.BlockingSocketmapClient;
import io.sockmapd.testing.DaemonProcess;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.KvTable;
import io.sockmapd.testing.TestDatabase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 9's soak: the daemon as production runs it ({@code -Xmx64m -XX:+ExitOnOutOfMemoryError}, a
 * JVM of its own) serves a mix of hostile clients for a bounded time, while well-behaved clients
 * check every answer. It has three listeners, all on 127.0.0.1: socketmap, tcp_table (map {@code
 * kv_cached}) and policy delegation (a policy whose rule answers {@code REJECT value-N} for the
 * {@link KvTable} keys). It passes when the daemon is still alive at the end, the well-behaved and
 * half-closing clients got only right answers and no reply later than {@link
 * WellBehavedClient#PATIENCE}, the hostile clients with a defined answer (huge result, slow query,
 * bad framing, lines over their limit) got only that answer, a fresh lookup on each listener is
 * answered right, and the daemon then stops on SIGTERM. The daemon's RSS and the counts per client
 * kind are printed, with one summary line.
 *
 * <p>The well-behaved clients ({@code checker-kv}, {@code checker-cache} on socketmap, {@code
 * checker-tcp}, {@code checker-policy}) ask one key at a time. The hostile clients, each bounded in
 * connections:
 *
 * <ul>
 *   <li>{@code non-reader}, {@code non-reader-big}: pipeline requests and never read (small cached
 *       replies; about 24 kB replies);
 *   <li>{@code cache-filler}: distinct 2,000-byte keys on the cached map;
 *   <li>{@code partial-frame}: 500 connections each stalled inside a 100,000-byte frame;
 *   <li>{@code half-close}: a batch of requests, then {@code shutdownOutput}; every answer must
 *       come (it checks answers too);
 *   <li>{@code huge-result}: {@code %} on a {@code LIKE} map over 200,000 rows; only {@code TEMP}
 *       for a too large result may come back;
 *   <li>{@code slow-query}: a query that sleeps past its map's deadline; only {@code TIMEOUT}, or
 *       {@code TEMP database busy} while the map's share of the pool is held by such queries, may
 *       come back;
 *   <li>{@code garbage}: an oversized length, bytes that are no netstring (the server must close
 *       without a reply), and a reset in the middle of large replies;
 *   <li>{@code tcp-non-reader}, {@code policy-non-reader}: one connection each pipelining lookups
 *       and never reading;
 *   <li>{@code tcp-long-line}: a {@code get} line without a newline growing past {@code
 *       max_request_size}; only {@code 400 malformed request} may come back (or, while the stalled
 *       clients hold the buffer budget, a close without a reply), and a lookup after the line must
 *       then be answered on the same connection;
 *   <li>{@code policy-long-line}: an attribute line growing past 8,192 bytes; the server must close
 *       without a reply;
 *   <li>{@code tcp-partial-line}, {@code policy-partial-line}: 25 connections each stalled inside a
 *       line just under its limit;
 *   <li>{@code tcp-garbage}: a command other than {@code get}, a bad {@code %XX} and a {@code %00},
 *       each answered only {@code 400 malformed request}, the connection kept (a lookup after it is
 *       answered); {@code policy-garbage}: a line without {@code '='} and 1,025 attributes, each
 *       closed without a reply.
 * </ul>
 *
 * <p>The slow map has a database entry of its own (the same PostgreSQL database, its own pool): in
 * one shared pool, queries that sleep to their deadline take the connections the well-behaved
 * client needs, which is a sizing question, not what this test is about.
 */
class HostileClientsSoakTest {
  @RegisterExtension static final DatabaseExtension DBS = new DatabaseExtension();
  private static final KvTable KV = new KvTable();

  private static final List<String> DAEMON_JVM = List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError");
  private static final int BIG_ROWS = 200_000;

  /** Hostile clients whose every answer is defined: anything else fails the soak. */
  private static final Set<String> DEFINED_ANSWERS =
      Set.of(
          "huge-result",
          "slow-query",
          "garbage",
          "tcp-long-line",
          "tcp-garbage",
          "policy-long-line",
          "policy-garbage");

  /** The key the non-readers, the garbage clients' follow-up lookups and the probes ask. */
  private static final String KEY = KvTable.key(1);

  /**
   * tcp_table and policy connections each stalled inside a line just under its limit (at most about
   * 100 kB and 8 kB): fewer than {@link #PARTIAL_FRAMES}, which already spend the buffer budget on
   * their own.
   */
  private static final int PARTIAL_LINES = 25;

  /**
   * Connections stalled inside a frame at once. Each can make the server buffer a frame's worth, so
   * 500 of them hold about 50 MB of it unless the server budgets incomplete frames.
   */
  private static final int PARTIAL_FRAMES = 500;

  /** About 1,000 rows of the big table: a reply of about 24 kB, under the reply limit. */
  private static final String LARGE_REPLY_KEY = "user-000%";

  @TempDir Path dir;

  /**
   * Whose attackers run. One set at a time: on a 2-core host, all of them at once starve the
   * well-behaved clients of CPU (replies past {@link WellBehavedClient#PATIENCE}), which would
   * measure the host, not the daemon. The socketmap checkers run in both, so socketmap clients are
   * seen answered while the other listeners are attacked too.
   */
  enum Attacked {
    SOCKETMAP,
    TCP_TABLE_AND_POLICY
  }

  @ParameterizedTest
  @EnumSource(Attacked.class)
  void aSmallHeapDaemonOutlivesHostileClientsAndAnswersWellBehavedOnesRight(Attacked attacked)
      throws Exception {
    TestDatabase db = KV.database(DBS, DatabaseType.POSTGRESQL);
    db.execute(
        "DROP TABLE IF EXISTS big; CREATE TABLE big (k VARCHAR(64) PRIMARY KEY);"
            + "INSERT INTO big SELECT 'user-' || lpad(g::text, 6, '0') || '@example.com'"
            + " FROM generate_series(1, "
            + BIG_ROWS
            + ") g");
    SoakSettings settings = SoakSettings.fromEnvironment();
    Path config = writeConfig(db.config());

    try (DaemonProcess daemon =
        DaemonProcess.startOnAnyPorts(
            config, daemonLog(attacked), 3, DAEMON_JVM.toArray(String[]::new))) {
      // In the order of listen: socketmap, tcp_table, policy.
      InetSocketAddress address = daemon.addresses().get(0);
      InetSocketAddress tcpTable = daemon.addresses().get(1);
      InetSocketAddress policy = daemon.addresses().get(2);
      List<WellBehavedClient> checkers =
          new ArrayList<>(
              List.of(
                  new WellBehavedClient("checker-kv", address, SoakProtocol.socketmap("kv")),
                  new WellBehavedClient(
                      "checker-cache", address, SoakProtocol.socketmap("kv_cached"))));
      if (attacked == Attacked.TCP_TABLE_AND_POLICY) {
        // Under the socketmap attack two more checkers would only take CPU from the two there.
        checkers.add(new WellBehavedClient("checker-tcp", tcpTable, SoakProtocol.tcpTable()));
        checkers.add(new WellBehavedClient("checker-policy", policy, SoakProtocol.policy()));
      }
      List<SoakClient> hostile = new ArrayList<>();
      if (attacked == Attacked.SOCKETMAP) {
        hostile.addAll(hostileClients(address, settings));
      } else {
        hostile.addAll(tcpTableClients(tcpTable, settings));
        hostile.addAll(policyClients(policy, settings));
      }
      List<SoakClient> clients = new ArrayList<>(checkers);
      clients.addAll(hostile);

      // The checkers first get a right answer each: the soak is about a running daemon under
      // attack (pools connected, code compiled), not about a cold start under attack.
      checkers.forEach(SoakClient::start);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> checkers.stream().allMatch(c -> c.expected.get() > 0));
      long start = System.nanoTime();
      hostile.forEach(SoakClient::start);
      Watch watch = watch(daemon, start, settings.duration());
      clients.forEach(SoakClient::stop);

      String probe = daemon.process().isAlive() ? probe(address) : "not asked: the daemon is gone";
      String tcpTableProbe = probe(SoakProtocol.tcpTable(), tcpTable, daemon);
      String policyProbe = probe(SoakProtocol.policy(), policy, daemon);
      DaemonProcess.@Nullable Memory memory = daemon.memory();
      @Nullable Integer exit = daemon.process().isAlive() ? stop(daemon) : null;

      String probes = probe + "; tcp_table " + tcpTableProbe + "; policy " + policyProbe;
      String summary = summary(settings, watch, memory, checkers, clients, probes, exit);
      System.out.println(report(clients, probes, daemon) + summary);

      SoftAssertions soft = new SoftAssertions();
      soft.assertThat(watch.diedAfter)
          .as("seconds until the daemon exited; its log:%n%s", problems(daemon.output()))
          .isNull();
      for (SoakClient client : clients) {
        if (client.isChecker() || DEFINED_ANSWERS.contains(client.kind)) {
          soft.assertThat(client.wrong.get()).as(client.summary()).isZero();
        }
        if (client.isChecker()) {
          soft.assertThat(client.dropped.get()).as(client.summary()).isZero();
          soft.assertThat(client.expected.get()).as(client.summary()).isPositive();
        }
      }
      soft.assertThat(probe).as("a fresh lookup after the soak").isEqualTo("OK value-1");
      soft.assertThat(tcpTableProbe)
          .as("a fresh tcp_table lookup after the soak")
          .isEqualTo(SoakProtocol.tcpTable().expected(1));
      soft.assertThat(policyProbe)
          .as("a fresh policy request after the soak")
          .isEqualTo(SoakProtocol.policy().expected(1));
      if (watch.diedAfter == null) {
        soft.assertThat(exit).as("exit after SIGTERM (null: had to be killed)").isNotNull();
      }
      soft.assertAll();
    }
  }

  /** SIGTERM; the exit code, or null if the daemon did not stop in time (it is killed then). */
  private static @Nullable Integer stop(DaemonProcess daemon) throws InterruptedException {
    try {
      return daemon.terminate(Duration.ofSeconds(30));
    } catch (AssertionError e) {
      return null;
    }
  }

  /** In the module's {@code target} folder when there is one, so it outlives the test. */
  private Path daemonLog(Attacked attacked) {
    Path target = Path.of("target");
    String name = "hostile-clients-soak-" + attacked.name().toLowerCase(Locale.ROOT) + ".log";
    return Files.isDirectory(target) ? target.resolve(name) : dir.resolve(name);
  }

  private static List<SoakClient> hostileClients(InetSocketAddress address, SoakSettings settings) {
    List<SoakClient> all =
        List.of(
            new NonReadingClient(
                "non-reader", address, 2, SoakProtocol.socketmap("kv_cached").request(KEY)),
            new NonReadingClient(
                "non-reader-big",
                address,
                2,
                SoakProtocol.socketmap("big_cached").request(LARGE_REPLY_KEY)),
            new CacheFillingClient(address, 2, "kv_cached"),
            new PartialFrameClient(
                "partial-frame", address, PARTIAL_FRAMES, PartialFrameClient.netstringStart()),
            new HalfCloseClient(address),
            new RepeatingClient(
                "huge-result",
                address,
                2,
                "big",
                "%",
                HostileClientsSoakTest::isResultTooLarge,
                Duration.ofSeconds(60)),
            new RepeatingClient(
                "slow-query",
                address,
                2,
                "slow",
                KvTable.key(1),
                HostileClientsSoakTest::isDeferredAsSlow,
                Duration.ofSeconds(30)),
            new GarbageClient(
                "garbage",
                address,
                List.of(
                    GarbageClient.closesWithoutReply("oversized", "200000:kv " + "x".repeat(2000)),
                    GarbageClient.closesWithoutReply("not a netstring", "12x:kv key-1,"),
                    GarbageClient.hangsUpMidReply(
                        Netstrings.requests("big", Collections.nCopies(20, LARGE_REPLY_KEY))))));
    return all.stream().filter(c -> settings.includes(c.kind)).toList();
  }

  /**
   * The hostile clients of the tcp_table listener (map {@code kv_cached}). Its line limit is {@code
   * max_request_size}; a line over it, or one that is no {@code get}, is answered {@code 400} and
   * the connection kept, which the lookup sent after it proves.
   */
  private static List<SoakClient> tcpTableClients(
      InetSocketAddress address, SoakSettings settings) {
    SoakProtocol tcp = SoakProtocol.tcpTable();
    String malformed = "400 " + HexQuote.quote("malformed request") + "\n";
    String thenKey = "get " + KEY + "\n";
    String keyAnswer = tcp.expected(1) + "\n";
    List<SoakClient> all =
        List.of(
            new NonReadingClient("tcp-non-reader", address, 1, tcp.request(KEY)),
            new GarbageClient(
                "tcp-long-line",
                address,
                List.of(
                    GarbageClient.answers(
                        "a line past max_request_size",
                        "get "
                            + "x".repeat(Limits.DEFAULT_MAX_REQUEST_SIZE + 20_000)
                            + "\n"
                            + thenKey,
                        malformed + keyAnswer,
                        true))),
            new PartialFrameClient(
                "tcp-partial-line",
                address,
                PARTIAL_LINES,
                PartialFrameClient.startOf("get ", Limits.DEFAULT_MAX_REQUEST_SIZE - 20)),
            new GarbageClient(
                "tcp-garbage",
                address,
                List.of(
                    GarbageClient.answers(
                        "not a get", "put " + KEY + " x\n" + thenKey, malformed + keyAnswer, false),
                    GarbageClient.answers(
                        "bad quoting", "get key%zz\n" + thenKey, malformed + keyAnswer, false),
                    GarbageClient.answers(
                        "a NUL byte", "get key%00\n" + thenKey, malformed + keyAnswer, false))));
    return all.stream().filter(c -> settings.includes(c.kind)).toList();
  }

  /**
   * The hostile clients of the policy listener. Every broken request (a line over its limit, a line
   * without {@code '='}, too many attributes) is closed without a reply.
   */
  private static List<SoakClient> policyClients(InetSocketAddress address, SoakSettings settings) {
    String start = "request=smtpd_access_policy\n" + SoakProtocol.POLICY_KEY_ATTRIBUTE + "=";
    List<SoakClient> all =
        List.of(
            new NonReadingClient("policy-non-reader", address, 1, unanswerablePolicyRequest()),
            new GarbageClient(
                "policy-long-line",
                address,
                List.of(
                    GarbageClient.closesWithoutReply(
                        "a line past its limit",
                        start + "x".repeat(PolicyRequestDecoder.DEFAULT_MAX_LINE_LENGTH + 4000)))),
            new PartialFrameClient(
                "policy-partial-line",
                address,
                PARTIAL_LINES,
                PartialFrameClient.startOf(
                    start, start.length() + PolicyRequestDecoder.DEFAULT_MAX_LINE_LENGTH - 30)),
            new GarbageClient(
                "policy-garbage",
                address,
                List.of(
                    GarbageClient.closesWithoutReply(
                        "a line without '='", "request=smtpd_access_policy\nno value\n\n"),
                    GarbageClient.closesWithoutReply(
                        "too many attributes",
                        "a=b\n".repeat(PolicyRequestDecoder.DEFAULT_MAX_ATTRIBUTES + 1) + "\n"))));
    return all.stream().filter(c -> settings.includes(c.kind)).toList();
  }

  /**
   * {@code TIMEOUT}; or, when the sleeping statements hold every connection of the map's share
   * until the database ends them, {@code TEMP database busy}: both defer the mail, as they must.
   */
  private static boolean isDeferredAsSlow(SocketmapResponse reply) {
    return reply.status() == SocketmapStatus.TIMEOUT
        || (reply.status() == SocketmapStatus.TEMP && reply.text().startsWith("database busy"));
  }

  /** {@code TEMP reply too large}, or a cap on the result the daemon applied before that. */
  private static boolean isResultTooLarge(SocketmapResponse reply) {
    return reply.status() == SocketmapStatus.TEMP
        && (reply.text().contains("too large") || reply.text().contains("limit"));
  }

  /** What the soak saw of the daemon: when it died (null if it did not), its largest RSS. */
  private record Watch(@Nullable Double diedAfter, long maxRssKb, double seconds) {}

  /** Waits out the soak, sampling the daemon's RSS; ends early if the daemon exits. */
  private static Watch watch(DaemonProcess daemon, long start, Duration duration) {
    long end = start + duration.toNanos();
    long maxRss = 0;
    while (System.nanoTime() < end) {
      DaemonProcess.Memory memory = daemon.memory();
      if (memory != null) {
        maxRss = Math.max(maxRss, memory.rssKb());
      }
      if (!daemon.process().isAlive()) {
        double after = (System.nanoTime() - start) / 1e9;
        return new Watch(after, maxRss, after);
      }
      SoakClient.pause(Duration.ofMillis(250));
    }
    return new Watch(null, maxRss, (System.nanoTime() - start) / 1e9);
  }

  /**
   * A policy request with a {@code sender} that is not UTF-8: the rule gives no action without
   * asking the database, so the answer is {@code DUNNO}. Policies are not cached; a non-reader's
   * request that ran the rule would make it a flood of queries (a pool sizing question), where
   * socketmap's non-reader asks a cached map.
   */
  private static byte[] unanswerablePolicyRequest() {
    byte[] start =
        ("request=smtpd_access_policy\n" + SoakProtocol.POLICY_KEY_ATTRIBUTE + "=").getBytes(UTF_8);
    byte[] request = Arrays.copyOf(start, start.length + 3);
    request[start.length] = (byte) 0xff;
    request[start.length + 1] = '\n';
    request[start.length + 2] = '\n';
    return request;
  }

  /** One lookup of key 1 on a fresh connection, its reply as a string (or why there is none). */
  private static String probe(
      SoakProtocol protocol, InetSocketAddress address, DaemonProcess daemon) {
    if (!daemon.process().isAlive()) {
      return "not asked: the daemon is gone";
    }
    try (SoakProtocol.Conversation client = protocol.open(address, WellBehavedClient.PATIENCE)) {
      return String.valueOf(client.ask(KEY));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** One lookup on a fresh connection, as a string: the daemon still answers after the storm. */
  private static String probe(InetSocketAddress address) {
    try (BlockingSocketmapClient client =
        BlockingSocketmapClient.connect(address, WellBehavedClient.PATIENCE)) {
      SocketmapResponse reply = client.query("kv", KvTable.key(1));
      return reply.status() + " " + reply.text();
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static String report(List<SoakClient> clients, String probe, DaemonProcess daemon) {
    StringBuilder out = new StringBuilder("\n--- hostile-clients soak ---\n");
    clients.forEach(c -> out.append(c.summary()).append('\n'));
    out.append("fresh lookup after the soak: ").append(probe).append('\n');
    String problems = problems(daemon.output());
    if (!problems.isEmpty()) {
      out.append("daemon log (warnings and errors, first lines):\n").append(problems);
    }
    return out.toString();
  }

  private static String summary(
      SoakSettings settings,
      Watch watch,
      DaemonProcess.@Nullable Memory memory,
      List<WellBehavedClient> checkers,
      List<SoakClient> clients,
      String probe,
      @Nullable Integer exit) {
    long answers = checkers.stream().mapToLong(c -> c.expected.get()).sum();
    long wrong = checkers.stream().mapToLong(c -> c.wrong.get()).sum();
    long broken = checkers.stream().mapToLong(c -> c.dropped.get()).sum();
    long stalls = checkers.stream().mapToLong(c -> c.stalls.get()).sum();
    StringBuilder line =
        new StringBuilder("SOAK ")
            .append(String.join(" ", DAEMON_JVM))
            .append(", ")
            .append(String.format("%.0f of %d s", watch.seconds(), settings.duration().toSeconds()))
            .append(", clients ")
            .append(settings.kinds() == null ? "all" : String.join(",", settings.kinds()))
            .append(": ");
    if (watch.diedAfter() != null) {
      line.append(String.format("daemon DIED after %.1f s", watch.diedAfter()));
    } else {
      line.append("daemon process running");
    }
    line.append(", checkers ")
        .append(answers)
        .append(" right answers, ")
        .append(wrong)
        .append(" wrong, ")
        .append(stalls)
        .append(" stalls, ")
        .append(broken)
        .append(" broken connections (");
    checkers.forEach(c -> line.append(c.kind).append(' ').append(c.latencies()).append("; "));
    line.setLength(line.length() - 2);
    line.append(')');
    clients.stream()
        .filter(c -> c.kind.equals("half-close"))
        .forEach(
            c ->
                line.append(", half-close ")
                    .append(c.expected.get())
                    .append(" right, ")
                    .append(c.wrong.get())
                    .append(" wrong"));
    line.append(", max VmRSS ").append(watch.maxRssKb() / 1024).append(" MB");
    if (memory != null) {
      line.append(", at end ").append(memory);
    }
    line.append(", fresh lookup after: ").append(probe);
    line.append(", exit after SIGTERM: ").append(exit == null ? "-" : exit.toString());
    return line.toString();
  }

  /** The daemon log's warnings, errors and out-of-memory lines, at most 20. */
  private static String problems(String log) {
    StringBuilder out = new StringBuilder();
    log.lines()
        .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("OutOfMemory"))
        .limit(20)
        .forEach(l -> out.append("  ").append(l).append('\n'));
    return out.toString();
  }

  /**
   * The daemon's config: {@code kv} (uncached) and {@code kv_cached} over the known keys, {@code
   * big} and {@code big_cached} (a {@code LIKE} over {@link #BIG_ROWS} rows), and {@code slow} on a
   * database entry of its own whose deadline is shorter than the query's sleep; listeners for
   * socketmap, tcp_table on {@code kv_cached} and the policy {@code soak}, in that order, each on
   * any port.
   */
  private Path writeConfig(DatabaseConfig db) throws IOException {
    Map<String, Object> main = database(db);
    // The soak is about clients, not about a starved host: on a CI machine running other builds a
    // health probe can miss the 2 s default, which takes the node down and turns every answer
    // into TEMP. A longer probe budget keeps the database up through such stalls.
    main.put("connect_timeout", "10s");
    Map<String, Object> slow = database(db);
    slow.put("lookup_timeout", "1s");
    Map<String, Object> maps = new LinkedHashMap<>();
    maps.put("kv", map("main", "SELECT v FROM kv WHERE k = '%s'"));
    Map<String, Object> cached = map("main", "SELECT v FROM kv WHERE k = '%s'");
    cached.put("cache", Map.of("ttl", "10m", "negative_ttl", "10m"));
    maps.put("kv_cached", cached);
    maps.put("big", map("main", "SELECT k FROM big WHERE k LIKE '%s'"));
    Map<String, Object> bigCached = map("main", "SELECT k FROM big WHERE k LIKE '%s'");
    bigCached.put("cache", Map.of("ttl", "10m"));
    maps.put("big_cached", bigCached);
    maps.put("slow", map("slow", "SELECT v || CAST(pg_sleep(10) AS TEXT) FROM kv WHERE k = '%s'"));
    Map<String, Object> config = new LinkedHashMap<>();
    config.put(
        "listen",
        List.of(
            "inet:127.0.0.1:0",
            Map.of("address", "inet:127.0.0.1:0", "protocol", "tcp_table", "map", "kv_cached"),
            Map.of("address", "inet:127.0.0.1:0", "protocol", "policy", "policy", "soak")));
    config.put("shutdown_timeout", "5s");
    config.put("databases", Map.of("main", main, "slow", slow));
    config.put("maps", maps);
    config.put(
        "policies",
        Map.of(
            "soak",
            Map.of(
                "rules",
                List.of(
                    map(
                        "main",
                        "SELECT 'REJECT ' || v FROM kv WHERE k = :"
                            + SoakProtocol.POLICY_KEY_ATTRIBUTE)))));
    Path file = dir.resolve("soak.json");
    Files.writeString(file, new ObjectMapper().writeValueAsString(config), UTF_8);
    return file;
  }

  private static Map<String, Object> database(DatabaseConfig db) {
    Map<String, Object> database = new LinkedHashMap<>();
    database.put("type", "postgresql");
    database.put("hosts", List.of(db.hosts().get(0).toString()));
    database.put("database", db.database());
    database.put("user", db.user());
    database.put("password", db.password().reveal());
    return database;
  }

  private static Map<String, Object> map(String database, String query) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("database", database);
    map.put("query", query);
    return map;
  }
}
