package io.sockmapd.net;

import io.sockmapd.codec.PolicyRequest;
import io.sockmapd.log.LogThrottle;
import io.sockmapd.lookup.InternalErrors;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.lookup.MapRegistry;
import io.sockmapd.lookup.PolicyDecision;
import io.sockmapd.lookup.PolicyLookup;
import io.sockmapd.metrics.DaemonMetrics;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The rules that turn one (map name, key) into a lookup outcome, shared by the listeners and by
 * {@code sockmapd query} so both answer alike:
 *
 * <ul>
 *   <li>an unknown map is {@code PERM unknown map NAME} (a configuration error on one side; logged
 *       once per name, not once per request);
 *   <li>an empty key is {@code NOTFOUND} without asking the map ({@code postmap -q ''} sends one);
 *   <li>a map that throws or completes exceptionally (a bug, by the {@link MapLookup} contract) is
 *       answered through {@link InternalErrors}, like a bug caught anywhere else in the chain, and
 *       never takes the server down.
 * </ul>
 */
public final class RequestDispatcher {
  private static final Logger LOG = LogManager.getLogger(RequestDispatcher.class);

  /** Beyond this many distinct unknown names, further ones share one throttled log line. */
  private static final int MAX_REMEMBERED_UNKNOWN_MAPS = 256;

  private final MapRegistry maps;
  private final Set<String> warnedUnknownMaps = ConcurrentHashMap.newKeySet();
  private final LogThrottle unknownMapThrottle;
  private final DaemonMetrics metrics;

  public RequestDispatcher(MapRegistry maps) {
    this(maps, DaemonMetrics.NONE);
  }

  /**
   * @param metrics counts every answer by map and status, with its latency
   */
  public RequestDispatcher(MapRegistry maps, DaemonMetrics metrics) {
    this.maps = maps;
    this.metrics = metrics;
    this.unknownMapThrottle = new LogThrottle(Duration.ofSeconds(10), "unknown_map", metrics);
  }

  /**
   * Looks up {@code key} (as received) in the map named {@code mapName}. The stage never completes
   * exceptionally and may complete on any thread.
   */
  public CompletionStage<LookupResult> dispatch(String mapName, String key) {
    if (metrics == DaemonMetrics.NONE) {
      return answer(mapName, key);
    }
    long start = System.nanoTime();
    metrics.lookupStarted();
    CompletionStage<LookupResult> answer = answer(mapName, key);
    // Never exceptional (see answer); a cache hit or an unknown map completes here and now.
    var unused =
        answer.whenComplete(
            (result, error) -> {
              LookupResult counted = result == null ? InternalErrors.ANSWER : result;
              if (counted.isBusy()) {
                metrics.rejected(DaemonMetrics.Rejection.MAX_IN_FLIGHT);
              }
              metrics.lookupFinished(mapName, counted.status(), System.nanoTime() - start);
            });
    return answer;
  }

  /**
   * Decides {@code request} by the policy named {@code policyName}, as it serves now. The stage
   * never completes exceptionally and may complete on any thread: the action comes as {@code OK
   * action}; a policy that is not configured (a reload removed it) is {@code PERM}, a policy that
   * breaks its contract {@code TEMP internal error}, both logged, and the protocol answers them
   * with a deferral.
   */
  public CompletionStage<LookupResult> decide(String policyName, PolicyRequest request) {
    long start = System.nanoTime();
    metrics.lookupStarted();
    CompletionStage<LookupResult> answer;
    PolicyLookup policy = maps.findPolicy(policyName);
    if (policy == null) {
      long suppressed = unknownMapThrottle.tryAcquire();
      if (suppressed >= 0) {
        LOG.warn(
            "request for policy {}, which is no longer configured (answered with a deferral)",
            policyName);
      }
      metrics.policyFinished(policyName, PolicyDecision.Outcome.FAILED, System.nanoTime() - start);
      return CompletableFuture.completedFuture(LookupResult.perm("unknown policy " + policyName));
    }
    CompletionStage<PolicyDecision> stage;
    try {
      stage = policy.decide(request);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    if (stage == null) {
      stage = CompletableFuture.failedFuture(new NullPointerException("decide returned null"));
    }
    answer =
        stage.handle(
            (decision, error) -> {
              if (error != null || decision == null) {
                metrics.policyFinished(
                    policyName, PolicyDecision.Outcome.FAILED, System.nanoTime() - start);
                return InternalErrors.answer(
                    policyName,
                    "policy decision",
                    error != null ? error : new NullPointerException("decision was null"),
                    metrics);
              }
              metrics.policyFinished(policyName, decision.outcome(), System.nanoTime() - start);
              return LookupResult.found(decision.action().toString());
            });
    return answer;
  }

  private CompletionStage<LookupResult> answer(String mapName, String key) {
    MapLookup map = maps.find(mapName);
    if (map == null) {
      warnUnknownMap(mapName);
      return CompletableFuture.completedFuture(LookupResult.perm("unknown map " + mapName));
    }
    if (key.isEmpty()) {
      return CompletableFuture.completedFuture(LookupResult.notFound());
    }
    CompletionStage<LookupResult> stage;
    try {
      stage = map.lookup(key);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(internalError(mapName, e));
    }
    if (stage == null) {
      return CompletableFuture.completedFuture(
          internalError(mapName, new NullPointerException("lookup returned null")));
    }
    return stage.handle(
        (result, error) -> {
          if (error != null) {
            return internalError(mapName, error);
          }
          if (result == null) {
            return internalError(
                "map " + mapName, new NullPointerException("lookup result was null"));
          }
          return result;
        });
  }

  private LookupResult internalError(String mapName, Throwable error) {
    return InternalErrors.answer(mapName, "lookup", error, metrics);
  }

  private void warnUnknownMap(String mapName) {
    if (warnedUnknownMaps.contains(mapName)) {
      return;
    }
    if (warnedUnknownMaps.size() < MAX_REMEMBERED_UNKNOWN_MAPS) {
      if (warnedUnknownMaps.add(mapName)) {
        LOG.warn(
            "request for unknown map \"{}\" (answered PERM; configured maps: {})",
            printable(mapName),
            maps.names());
      }
      return;
    }
    long suppressed = unknownMapThrottle.tryAcquire();
    if (suppressed >= 0) {
      LOG.warn(
          "request for unknown map \"{}\" (answered PERM; {} more such requests not logged)",
          printable(mapName),
          suppressed);
    }
  }

  /** A client-chosen name goes into the log: keep it one short line. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), 100));
    for (int i = 0; i < text.length() && out.length() < 100; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    return text.length() > 100 ? out + "..." : out.toString();
  }
}
