package io.sockmapd.net;

import io.sockmapd.config.Limits;
import io.sockmapd.config.ListenerConfig;
import io.sockmapd.metrics.DaemonMetrics;
import org.jspecify.annotations.Nullable;

/**
 * What every connection's pipeline shares, built once per server: the limits, the sharable handlers
 * and the policy objects. Per-connection handlers are created from it.
 *
 * @param limits the server-wide limits
 * @param connectionLimit the sharable connection counter (also the group of open connections)
 * @param violations what a protocol violation costs a client
 * @param exceptionHandler the sharable tail handler
 * @param sharedLoops the database client's loops the listeners run on, or null on an own group
 * @param bufferBudget the daemon-wide {@code max_buffered_bytes}
 * @param clientShares lookups in flight per client, and each client's share
 * @param oversizedReplies replies over {@code max_reply_size}, logged and counted
 * @param refusals connections refused for who the client is, counted and logged
 * @param metrics where the handlers count what they refuse and what clients do wrong
 */
record ChannelDependencies(
    Limits limits,
    ConnectionLimitHandler connectionLimit,
    ProtocolViolations violations,
    ExceptionHandler exceptionHandler,
    @Nullable SharedEventLoops sharedLoops,
    BufferBudget bufferBudget,
    ClientShares clientShares,
    OversizedReplies oversizedReplies,
    RefusedConnections refusals,
    DaemonMetrics metrics) {

  /**
   * @param lookupCapacity lookups the maps can take at once (the smallest {@code max_in_flight} of
   *     the databases), which the fair share divides between the clients
   */
  static ChannelDependencies create(
      Limits limits,
      @Nullable SharedEventLoops sharedLoops,
      int lookupCapacity,
      DaemonMetrics metrics) {
    ProtocolViolations violations = new ProtocolViolations(metrics);
    ClientShares.Policy policy =
        limits.maxInFlightPerClient() == Limits.FAIR_SHARE
            // The floor lets every client pipeline on one connection, unless a database takes
            // so few lookups that one client at the floor would already fill it.
            ? new ClientShares.FairShare(
                lookupCapacity,
                Math.min(limits.maxPendingRequests(), Math.max(1, lookupCapacity / 2)))
            : new ClientShares.FixedShare(limits.maxInFlightPerClient());
    return new ChannelDependencies(
        limits,
        new ConnectionLimitHandler(limits.maxConnections(), metrics),
        violations,
        new ExceptionHandler(violations),
        sharedLoops,
        new BufferBudget(limits.maxBufferedBytes(), metrics),
        new ClientShares(policy),
        new OversizedReplies(limits.maxReplySize(), metrics),
        new RefusedConnections(limits.maxConnectionsPerClient()),
        metrics);
  }

  /** The admission of the clients of one listener (the control socket takes every client). */
  ClientAdmission admission(ListenerConfig listener, boolean control) {
    return new ClientAdmission(
        listener.endpoint(),
        listener.allow(),
        control ? Limits.UNLIMITED : limits.maxConnectionsPerClient(),
        clientShares,
        refusals);
  }
}
