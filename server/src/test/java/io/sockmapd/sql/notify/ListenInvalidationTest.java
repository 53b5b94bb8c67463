package io.sockmapd.sql.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sockmapd.Daemon;
import io.sockmapd.cli.Backends;
import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.config.ConfigLoader;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.net.BlockingSocketmapClient;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.FaultProxy;
import io.sockmapd.testing.TestDatabase;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two daemons cache one real PostgreSQL database, and the shipped trigger ({@code
 * examples/postfixadmin/notify-postgresql.sql}) keeps both true: an UPDATE reaches both caches
 * within 100 ms (measured and printed), a notification with an empty payload flushes the whole map,
 * and a listening connection killed on the server flushes the cache and listens again.
 *
 * <p>Each step first proves that the daemons answer from their caches: the row is changed with the
 * trigger disabled, and both must still give the old answer. Only then does a change announced by
 * the trigger have something to show.
 */
class ListenInvalidationTest {
  @RegisterExtension static final DatabaseExtension DBS = new DatabaseExtension();

  private static final Path EXAMPLE = Path.of("..", "examples", "postfixadmin");

  /** The bound; asserted with room for a loaded machine, the figure printed. */
  private static final Duration BOUND = Duration.ofMillis(100);

  private static final Duration ASSERTED_BOUND = BOUND.multipliedBy(5);

  private static final Pattern LISTENING =
      Pattern.compile("sockmapd_cache_listening\\{[^}]*map=\"virtual_alias_maps\"[^}]*} (\\S+)");

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;
  private TestDatabase db;
  private final List<Daemon> daemons = new ArrayList<>();
  private final List<BlockingSocketmapClient> clients = new ArrayList<>();

  @BeforeEach
  void database() throws Exception {
    db = DBS.get(DatabaseType.POSTGRESQL);
    db.execute(
        "DROP TABLE IF EXISTS alias_domain, alias, mailbox, domain CASCADE;"
            + " DROP FUNCTION IF EXISTS sockmapd_notify_key, sockmapd_notify_all CASCADE");
    db.execute(Files.readString(EXAMPLE.resolve("schema-postgresql.sql"), StandardCharsets.UTF_8));
    db.execute(Files.readString(EXAMPLE.resolve("sample-data.sql"), StandardCharsets.UTF_8));
    db.execute(Files.readString(EXAMPLE.resolve("notify-postgresql.sql"), StandardCharsets.UTF_8));
  }

  @AfterEach
  void close() throws Exception {
    for (BlockingSocketmapClient client : clients) {
      client.close();
    }
    daemons.forEach(Daemon::close);
  }

  @Test
  void changesReachBothDaemonsWithinTheBound() throws Exception {
    Path config = config("1h");
    startDaemons(config, 2);
    awaitListening(2);

    // Cached in both: the row itself, a folded key with an extension (user@domain fallback),
    // and a key answered by the domain's catch-all (@domain fallback).
    expectEverywhere("sales@example.com", "alice@example.com,bob@example.org");
    expectEverywhere("Sales+News@Example.COM", "alice@example.com,bob@example.org");
    expectEverywhere("nobody@example.com", "catchall@example.com");

    silently("UPDATE alias SET goto = 'silent@example.com' WHERE address = '@example.com'");
    silently("UPDATE alias SET goto = 'silent@example.com' WHERE address = 'sales@example.com'");
    expectEverywhere("sales@example.com", "alice@example.com,bob@example.org");
    expectEverywhere("nobody@example.com", "catchall@example.com");

    long millis = changeAndTime("sales@example.com", "sales@example.com", "new@example.com");
    System.out.printf("UPDATE + NOTIFY seen by both daemons after %d ms%n", millis);
    assertThat(Duration.ofMillis(millis)).isLessThan(ASSERTED_BOUND);
    // The folded key with the extension traced back to the changed row...
    expectEverywhere("Sales+News@Example.COM", "new@example.com");
    // ...while an answer from another row stayed cached: only the changed key was dropped.
    expectEverywhere("nobody@example.com", "catchall@example.com");

    // The catch-all row: every cached key of the domain that fell back to it goes.
    long catchAll = changeAndTime("nobody@example.com", "@example.com", "catchall2@example.com");
    System.out.printf("catch-all UPDATE + NOTIFY seen by both daemons after %d ms%n", catchAll);
    assertThat(Duration.ofMillis(catchAll)).isLessThan(ASSERTED_BOUND);

    // A renamed address: the old key and the new one are both announced.
    expectEverywhere("alice@example.com", "alice@example.com");
    expectEverywhere("alicia@example.com", "catchall2@example.com");
    db.execute(
        "UPDATE alias SET address = 'alicia@example.com' WHERE address = 'alice@example.com'");
    awaitEverywhere("alice@example.com", "catchall2@example.com");
    awaitEverywhere("alicia@example.com", "alice@example.com");

    // An empty payload drops the whole map.
    expectEverywhere("sales@example.com", "new@example.com"); // cached again after the catch-all
    silently("UPDATE alias SET goto = 'flushed@example.com' WHERE address = 'sales@example.com'");
    expectEverywhere("sales@example.com", "new@example.com");
    db.execute("SELECT pg_notify('sockmapd_virtual_alias_maps', '')");
    awaitEverywhere("sales@example.com", "flushed@example.com");
    // And so does "*", as the trigger sends for a TRUNCATE or an overlong key.
    silently("UPDATE alias SET goto = 'star@example.com' WHERE address = 'sales@example.com'");
    expectEverywhere("sales@example.com", "flushed@example.com");
    db.execute("SELECT pg_notify('sockmapd_virtual_alias_maps', '*')");
    awaitEverywhere("sales@example.com", "star@example.com");
  }

  @Test
  void aKilledListenerFlushesTheCacheAndListensAgain() throws Exception {
    startDaemons(config("1h"), 2);
    awaitListening(2);
    // The previous test's listeners may take a moment to leave.
    await().atMost(Duration.ofSeconds(20)).until(() -> listenerPids().size() == 2);
    Set<Integer> before = listenerPids();

    expectEverywhere("sales@example.com", "alice@example.com,bob@example.org");
    silently("UPDATE alias SET goto = 'unheard@example.com' WHERE address = 'sales@example.com'");
    expectEverywhere("sales@example.com", "alice@example.com,bob@example.org");

    db.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            + " WHERE application_name = 'sockmapd listen' AND datname = current_database()");
    // The change made while listening was lost to nothing: both caches were flushed.
    awaitEverywhere("sales@example.com", "unheard@example.com");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> listenerPids().size() == 2 && disjoint(listenerPids(), before));
    awaitListening(2);

    // Listening again: cached, then a change through the trigger reaches both.
    expectEverywhere("sales@example.com", "unheard@example.com");
    silently("UPDATE alias SET goto = 'quiet@example.com' WHERE address = 'sales@example.com'");
    expectEverywhere("sales@example.com", "unheard@example.com");
    long millis = changeAndTime("sales@example.com", "sales@example.com", "again@example.com");
    System.out.printf("after the reconnect, UPDATE + NOTIFY seen by both after %d ms%n", millis);
    assertThat(Duration.ofMillis(millis)).isLessThan(ASSERTED_BOUND);
  }

  @Test
  void aReloadKeepsTheListenerOfAKeptCacheAndReplacesAChangedOne() throws Exception {
    Path config = config("1h");
    startDaemons(config, 1);
    awaitListening(1);
    await().atMost(Duration.ofSeconds(20)).until(() -> listenerPids().size() == 1);
    Set<Integer> first = listenerPids();
    Daemon daemon = daemons.get(0);

    expectEverywhere("sales@example.com", "alice@example.com,bob@example.org");
    daemon.reloader().reload().toCompletableFuture().get(60, TimeUnit.SECONDS);
    // Same file: the cache and its listener are kept (no new connection, no flush)...
    assertThat(listenerPids()).isEqualTo(first);
    silently("UPDATE alias SET goto = 'kept@example.com' WHERE address = 'sales@example.com'");
    expectEverywhere("sales@example.com", "alice@example.com,bob@example.org");
    // ...and what it hears reaches the new backend's cache.
    db.execute("UPDATE alias SET goto = 'heard@example.com' WHERE address = 'sales@example.com'");
    awaitEverywhere("sales@example.com", "heard@example.com");

    // A changed map (another TTL): its listener is replaced by a new one.
    Files.writeString(
        config, Files.readString(config).replace("\"ttl\": \"1h\"", "\"ttl\": \"2h\""));
    daemon.reloader().reload().toCompletableFuture().get(60, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> listenerPids().size() == 1 && disjoint(listenerPids(), first));
    awaitListening(1);
    expectEverywhere("sales@example.com", "heard@example.com");
    db.execute("UPDATE alias SET goto = 'changed@example.com' WHERE address = 'sales@example.com'");
    awaitEverywhere("sales@example.com", "changed@example.com");

    // The map no longer listens: its listener stops, and the gauge says so.
    Files.writeString(config, Files.readString(config).replace(", \"listen\": true", ""));
    daemon.reloader().reload().toCompletableFuture().get(60, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(20)).until(() -> listenerPids().isEmpty());
    assertThat(listening(daemon)).isFalse();
  }

  @Test
  void aSilentConnectionIsNoticedAndAnotherNodeListens() throws Exception {
    HostAndPort real = db.config().hosts().get(0);
    try (FaultProxy first = FaultProxy.start(real.host(), real.port());
        FaultProxy second = FaultProxy.start(real.host(), real.port())) {
      first.refuse();
      startDaemons(config("1h", List.of(first.hostAndPort(), second.hostAndPort()), "1s"), 1);
      // The first host refuses: the map listens on the second.
      awaitListening(1);
      expectEverywhere("sales@example.com", "alice@example.com,bob@example.org");

      // The second goes silent without closing anything: the ping notices, the cache is
      // flushed, and nothing answers until the first host is back.
      second.blackhole();
      await().atMost(Duration.ofSeconds(20)).until(() -> !listening(daemons.get(0)));
      first.forward();
      awaitListening(1);
      // Lookups find the first node again once its probe answers.
      awaitEverywhere(
          "sales@example.com", "alice@example.com,bob@example.org", Duration.ofSeconds(30));
      long millis = changeAndTime("sales@example.com", "sales@example.com", "moved@example.com");
      System.out.printf("listening on the other node, UPDATE + NOTIFY seen after %d ms%n", millis);
      assertThat(Duration.ofMillis(millis)).isLessThan(ASSERTED_BOUND);
    }
  }

  /** The PostfixAdmin example's alias map, cached with listen, on the test database. */
  private Path config(String ttl) throws Exception {
    return config(ttl, db.config().hosts(), "2s");
  }

  /** As above, on {@code hosts}, with {@code timeout} to connect and to look up. */
  private Path config(String ttl, List<HostAndPort> hosts, String timeout) throws Exception {
    DatabaseConfig database = db.config();
    String json =
        """
        {
          "listen": ["inet:127.0.0.1:0"],
          "admin_listen": "inet:127.0.0.1:0",
          "databases": {
            "postfixadmin": {
              "type": "postgresql",
              "hosts": [%s],
              "connect_timeout": "%s",
              "lookup_timeout": "%s",
              "database": "%s",
              "user": "%s",
              "password": "%s"
            }
          },
          "maps": {
            "virtual_alias_maps": {
              "database": "postfixadmin",
              "query": "SELECT goto FROM alias WHERE address = '%%s' AND active = '1'",
              "recipient_delimiter": "+",
              "fallback_keys": ["user@domain", "@domain"],
              "cache": { "ttl": "%s", "negative_ttl": "%s", "listen": true }
            }
          }
        }
        """
            .formatted(
                hosts.stream()
                    .map(h -> "\"" + h + "\"")
                    .collect(java.util.stream.Collectors.joining(", ")),
                timeout,
                timeout,
                database.database(),
                database.user(),
                database.password().reveal(),
                ttl,
                ttl);
    return Files.writeString(dir.resolve("sockmapd.json"), json);
  }

  private void startDaemons(Path config, int count) throws Exception {
    ConfigLoader loader = new ConfigLoader();
    for (int i = 0; i < count; i++) {
      Daemon daemon =
          Daemon.start(loader.load(config), Backends.DEFAULT, () -> loader.load(config));
      daemons.add(daemon);
      clients.add(
          BlockingSocketmapClient.connect(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), daemon.server().port()),
              Duration.ofSeconds(10)));
    }
  }

  /** Until every daemon's gauge says the alias map listens. */
  private void awaitListening(int count) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> daemons.stream().filter(this::listening).count() == count);
  }

  private boolean listening(Daemon daemon) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + daemon.adminPort() + "/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      Matcher m = LISTENING.matcher(response.body());
      return m.find() && Double.parseDouble(m.group(1)) == 1.0;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private Set<Integer> listenerPids() {
    return db.withConnection(
        connection ->
            connection
                .query(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = 'sockmapd listen'"
                        + " AND datname = current_database()")
                .execute()
                .map(
                    rows -> {
                      Set<Integer> pids = new HashSet<>();
                      rows.forEach(row -> pids.add(row.getInteger(0)));
                      return pids;
                    }));
  }

  private static boolean disjoint(Set<Integer> a, Set<Integer> b) {
    return a.stream().noneMatch(b::contains);
  }

  /** Changes a row without the trigger: no daemon hears of it. */
  private void silently(String update) {
    db.execute(
        "ALTER TABLE alias DISABLE TRIGGER alias_sockmapd_notify; "
            + update
            + "; ALTER TABLE alias ENABLE TRIGGER alias_sockmapd_notify");
  }

  /**
   * Sets the {@code goto} of row {@code address} through the trigger and polls every daemon for
   * {@code key} until all answer {@code value}.
   *
   * @return milliseconds from before the UPDATE until the last daemon answered the new value
   */
  private long changeAndTime(String key, String address, String value) throws Exception {
    long start = System.nanoTime();
    db.execute("UPDATE alias SET goto = '" + value + "' WHERE address = '" + address + "'");
    awaitEverywhere(key, value);
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private void awaitEverywhere(String key, String value) throws Exception {
    awaitEverywhere(key, value, Duration.ofSeconds(10));
  }

  private void awaitEverywhere(String key, String value, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    for (BlockingSocketmapClient client : clients) {
      while (true) {
        SocketmapResponse reply = client.query("virtual_alias_maps", key);
        if (reply.equals(SocketmapResponse.ok(value))) {
          break;
        }
        assertThat(System.nanoTime()).as("%s still answers %s", key, reply).isLessThan(deadline);
        Thread.sleep(1);
      }
    }
  }

  private void expectEverywhere(String key, String value) throws Exception {
    for (BlockingSocketmapClient client : clients) {
      assertThat(client.query("virtual_alias_maps", key)).isEqualTo(SocketmapResponse.ok(value));
    }
  }
}
