package io.sockmapd.metrics;

import com.github.benmanes.caffeine.cache.Cache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.PolicyDecision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

/**
 * {@link DaemonMetrics} into Micrometer's Prometheus registry, for {@code /metrics}.
 *
 * <p>Memory is bounded by the configuration, not by the traffic: every meter is made at start for
 * each configured map, database node, reason and status; a map name a client sends that is not
 * configured counts under {@code map="(unknown)"}. Latencies go into a fixed set of buckets. A
 * reload ({@link #reconfigured}) adds the meters of what the new configuration adds and removes
 * those of what it drops, so the exposition always describes the configuration being served.
 */
public final class PrometheusMetrics implements DaemonMetrics, AutoCloseable {

  /** The label value of the lookups of maps that are not configured. */
  static final String UNKNOWN_MAP = "(unknown)";

  /** Upper bounds of the latency buckets: a cache hit to a lookup that meets its deadline. */
  static final Duration[] LATENCY_BUCKETS = {
    Duration.ofNanos(250_000),
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
  };

  /**
   * The daemon's throttled log lines ({@code LogThrottle} names), counted from the start so that a
   * dashboard finds them at zero.
   */
  static final List<String> THROTTLED_LOG_LINES =
      List.of(
          "framing_error",
          "malformed_request",
          "max_connections",
          "max_buffered_bytes",
          "reply_too_large",
          "unknown_map",
          "internal_error");

  /** The meters of one map, made once per map name. */
  private static final class MapMeters {
    final EnumMap<SocketmapStatus, Counter> lookups = new EnumMap<>(SocketmapStatus.class);
    final Timer latency;
    final Counter replyTooLarge;
    final Counter staleAnswers;

    MapMeters(PrometheusMeterRegistry registry, String map) {
      for (SocketmapStatus status : SocketmapStatus.values()) {
        lookups.put(
            status,
            Counter.builder("sockmapd.lookups")
                .description("Requests answered, by map and reply status")
                .tags("map", map, "status", status.name())
                .register(registry));
      }
      latency =
          Timer.builder("sockmapd.lookup.duration")
              .description("Time from a request's start to its answer, by map")
              .tags("map", map)
              .serviceLevelObjectives(LATENCY_BUCKETS)
              .register(registry);
      replyTooLarge =
          Counter.builder("sockmapd.replies.too.large")
              .description("Replies over max_reply_size, sent as TEMP reply too large")
              .tags("map", map)
              .register(registry);
      staleAnswers =
          Counter.builder("sockmapd.cache.stale.answers")
              .description("Expired cache entries served because the database failed (max_stale)")
              .tags("map", map)
              .register(registry);
    }

    void remove(PrometheusMeterRegistry registry) {
      lookups.values().forEach(registry::remove);
      registry.remove(latency);
      registry.remove(replyTooLarge);
      registry.remove(staleAnswers);
    }
  }

  /** The meters of one policy, made once. */
  private static final class PolicyMeters {
    final EnumMap<PolicyDecision.Outcome, Counter> requests =
        new EnumMap<>(PolicyDecision.Outcome.class);
    final Timer latency;

    PolicyMeters(PrometheusMeterRegistry registry, String policy) {
      for (PolicyDecision.Outcome outcome : PolicyDecision.Outcome.values()) {
        requests.put(
            outcome,
            Counter.builder("sockmapd.policy.requests")
                .description(
                    "SMTPD policy requests answered, by policy and outcome (matched: a rule gave"
                        + " the action; no_match: DUNNO; failed: on_error)")
                .tags("policy", policy, "outcome", outcome.label())
                .register(registry));
      }
      latency =
          Timer.builder("sockmapd.policy.duration")
              .description("Time from a policy request's start to its answer, by policy")
              .tags("policy", policy)
              .serviceLevelObjectives(LATENCY_BUCKETS)
              .register(registry);
    }

    void remove(PrometheusMeterRegistry registry) {
      requests.values().forEach(registry::remove);
      registry.remove(latency);
    }
  }

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  // Read on every lookup, replaced whole by a reload: copy-on-write, never mutated.
  private volatile Map<String, MapMeters> maps = Map.of();
  private final MapMeters unknownMap;
  // As maps: replaced whole by a reload.
  private volatile Map<String, PolicyMeters> policies = Map.of();
  private final PolicyMeters unknownPolicy;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final EnumMap<Rejection, Counter> rejections = new EnumMap<>(Rejection.class);
  private final EnumMap<ProtocolViolation, Counter> violations =
      new EnumMap<>(ProtocolViolation.class);
  private final Map<String, Counter> suppressedLogLines = new ConcurrentHashMap<>();
  private volatile Map<String, Counter> failovers = Map.of();
  private final Map<String, AtomicBoolean> cacheListening = new ConcurrentHashMap<>();
  private volatile NodeStates nodes;
  // The node_up gauges read one NodeStates; a reload makes them again for the next one.
  private final List<Meter> nodeGauges = new ArrayList<>();
  private final List<AutoCloseable> binders = new ArrayList<>();
  private volatile List<DoubleSupplier> listenerReadings = List.of();

  /** Makes every meter the configuration calls for, and the JVM and process meters. */
  public PrometheusMetrics(SockmapdConfig config) {
    unknownMap = new MapMeters(registry, UNKNOWN_MAP);
    // A request to a policy a reload removed (it was in flight) counts here.
    unknownPolicy = new PolicyMeters(registry, UNKNOWN_MAP);
    Gauge.builder("sockmapd.lookups.in.flight", inFlight, AtomicInteger::get)
        .description("Requests handed to a map and not answered yet")
        .register(registry);
    for (Rejection reason : Rejection.values()) {
      rejections.put(
          reason,
          Counter.builder("sockmapd.rejections")
              .description("Connections and lookups refused, by the limit that refused them")
              .tags("reason", reason.label())
              .register(registry));
    }
    for (ProtocolViolation kind : ProtocolViolation.values()) {
      violations.put(
          kind,
          Counter.builder("sockmapd.protocol.violations")
              .description("Requests that broke the socketmap protocol, by kind")
              .tags("kind", kind.label())
              .register(registry));
    }
    THROTTLED_LOG_LINES.forEach(this::suppressedLogLine);
    nodes = new NodeStates(List.of());
    reconfigured(config);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    binders.add(gc);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /**
   * The configuration now served is {@code config} (at start, and after each reload): meters for
   * its new maps and databases, none left for the ones it dropped. Every node starts up again, as
   * the nodes of the backend a reload builds do; the failover counts of databases that stay go on.
   */
  @Override
  public synchronized void reconfigured(SockmapdConfig config) {
    Map<String, MapMeters> current = maps;
    Map<String, MapMeters> next = new HashMap<>();
    for (String map : config.maps().keySet()) {
      MapMeters meters = current.get(map);
      next.put(map, meters != null ? meters : new MapMeters(registry, map));
    }
    current.forEach(
        (map, meters) -> {
          if (!next.containsKey(map)) {
            meters.remove(registry);
            removeCacheMeters(map);
          }
        });
    maps = Map.copyOf(next);

    Map<String, PolicyMeters> currentPolicies = policies;
    Map<String, PolicyMeters> nextPolicies = new HashMap<>();
    for (String policy : config.policies().keySet()) {
      PolicyMeters meters = currentPolicies.get(policy);
      nextPolicies.put(policy, meters != null ? meters : new PolicyMeters(registry, policy));
    }
    currentPolicies.forEach(
        (policy, meters) -> {
          if (!nextPolicies.containsKey(policy)) {
            meters.remove(registry);
          }
        });
    policies = Map.copyOf(nextPolicies);

    NodeStates states = new NodeStates(config.databases().values());
    nodeGauges.forEach(registry::remove);
    nodeGauges.clear();
    Map<String, Counter> counters = new HashMap<>();
    states
        .all()
        .forEach(
            (database, byNode) -> {
              counters.put(
                  database,
                  Counter.builder("sockmapd.database.failovers")
                      .description(
                          "Nodes taken out of the rotation (their lookups go to the next node)")
                      .tags("database", database)
                      .register(registry));
              byNode.forEach(
                  (node, up) ->
                      nodeGauges.add(
                          Gauge.builder("sockmapd.database.node.up", up, u -> u.get() ? 1 : 0)
                              .description("1 while a database node is in the rotation, else 0")
                              .tags("database", database, "node", node)
                              .register(registry)));
            });
    failovers.forEach(
        (database, counter) -> {
          if (!counters.containsKey(database)) {
            registry.remove(counter);
          }
        });
    failovers = Map.copyOf(counters);
    nodes = states;
  }

  /** The exposition in Prometheus's text format (version 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  /** The databases with nodes but none in the rotation, for the readiness check. */
  public List<String> databasesDown() {
    return nodes.databasesDown();
  }

  /**
   * Gauges and counters read from the listeners when scraped: open connections, connections
   * accepted, bytes buffered.
   */
  public void bindListeners(
      DoubleSupplier openConnections,
      DoubleSupplier acceptedConnections,
      DoubleSupplier bufferedBytes) {
    // Micrometer holds a meter's object weakly, and nothing else would hold these method
    // references: collected, the meters would read NaN. This object lives as long as the daemon.
    listenerReadings = List.of(openConnections, acceptedConnections, bufferedBytes);
    Gauge.builder("sockmapd.connections.open", this, m -> m.listenerReading(0))
        .description("Client connections open now")
        .register(registry);
    FunctionCounter.builder("sockmapd.connections.accepted", this, m -> m.listenerReading(1))
        .description("Client connections accepted, including those refused at once for a limit")
        .register(registry);
    Gauge.builder("sockmapd.buffered.bytes", this, m -> m.listenerReading(2))
        .description("Bytes held for half-received requests and unsent replies")
        .baseUnit("bytes")
        .register(registry);
  }

  private double listenerReading(int index) {
    return listenerReadings.get(index).getAsDouble();
  }

  private MapMeters map(String name) {
    MapMeters meters = maps.get(name);
    return meters == null ? unknownMap : meters;
  }

  @Override
  public void lookupStarted() {
    inFlight.incrementAndGet();
  }

  @Override
  public void lookupFinished(String map, SocketmapStatus status, long nanos) {
    inFlight.decrementAndGet();
    MapMeters meters = map(map);
    meters.lookups.get(status).increment();
    meters.latency.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void policyFinished(String policy, PolicyDecision.Outcome outcome, long nanos) {
    inFlight.decrementAndGet();
    PolicyMeters meters = policies.getOrDefault(policy, unknownPolicy);
    meters.requests.get(outcome).increment();
    meters.latency.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void rejected(Rejection reason) {
    rejections.get(reason).increment();
  }

  @Override
  public void protocolViolation(ProtocolViolation kind) {
    violations.get(kind).increment();
  }

  @Override
  public void replyTooLarge(String map) {
    map(map).replyTooLarge.increment();
  }

  @Override
  public void logSuppressed(String log) {
    suppressedLogLine(log).increment();
  }

  private Counter suppressedLogLine(String log) {
    // The names are a handful of words fixed in the code: the map stays that small.
    return suppressedLogLines.computeIfAbsent(
        log,
        name ->
            Counter.builder("sockmapd.log.suppressed")
                .description("Log lines held back by throttling, by log line")
                .tags("log", name)
                .register(registry));
  }

  @Override
  public void nodeDown(String database, String node) {
    nodes.set(database, node, false);
    Counter counter = failovers.get(database);
    if (counter != null) {
      counter.increment();
    }
  }

  @Override
  public void nodeUp(String database, String node) {
    nodes.set(database, node, true);
  }

  @Override
  public void cacheCreated(String map, Cache<?, ?> cache) {
    // A reload that changes a map builds it a new cache under the same name; Micrometer would
    // hand back the meters bound to the old one, which then read a cache nobody uses any more.
    removeCacheMeters(map);
    CaffeineCacheMetrics.monitor(registry, cache, map, Tags.empty());
  }

  private void removeCacheMeters(String map) {
    for (Meter meter : List.copyOf(registry.getMeters())) {
      if (meter.getId().getName().startsWith("cache.")
          && map.equals(meter.getId().getTag("cache"))) {
        registry.remove(meter);
      }
    }
  }

  @Override
  public void cacheListening(String map, boolean listening) {
    cacheListening
        .computeIfAbsent(
            map,
            name -> {
              AtomicBoolean state = new AtomicBoolean();
              Gauge.builder("sockmapd.cache.listening", state, s -> s.get() ? 1 : 0)
                  .description(
                      "1 while the map's cache listens for changes (cache.listen), else 0:"
                          + " then its answers last their TTL")
                  .tags("map", name)
                  .register(registry);
              return state;
            })
        .set(listening);
  }

  @Override
  public void staleAnswer(String map) {
    map(map).staleAnswers.increment();
  }

  @Override
  public void close() {
    for (AutoCloseable binder : binders) {
      try {
        binder.close();
      } catch (Exception e) {
        // Only listener registrations with the JVM; nothing to report at shutdown.
      }
    }
    registry.close();
  }
}
