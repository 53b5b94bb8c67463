package io.sockmapd.net;

import io.sockmapd.config.Limits;
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
 */
record ChannelDependencies(
    Limits limits,
    ConnectionLimitHandler connectionLimit,
    ProtocolViolations violations,
    ExceptionHandler exceptionHandler,
    @Nullable SharedEventLoops sharedLoops) {

  static ChannelDependencies create(Limits limits, @Nullable SharedEventLoops sharedLoops) {
    ProtocolViolations violations = new ProtocolViolations();
    return new ChannelDependencies(
        limits,
        new ConnectionLimitHandler(limits.maxConnections()),
        violations,
        new ExceptionHandler(violations),
        sharedLoops);
  }
}
