package io.sockmapd.net;

import io.netty.channel.Channel;
import io.sockmapd.log.LogThrottle;
import io.sockmapd.metrics.DaemonMetrics;
import io.sockmapd.metrics.DaemonMetrics.ProtocolViolation;
import java.time.Duration;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The one place that decides what a protocol violation costs a client.
 *
 * <p>A framing error (bad length, missing comma, declared length over the limit, end of input
 * inside a frame) ends the connection <em>without a reply</em>: the stream can't be resynchronised,
 * and a close is what both clients treat as a temporary failure (Postfix retries once on a new
 * connection; Sendmail reports a temporary failure), whereas a {@code PERM} reply would look like
 * "not found" to Sendmail. A malformed request inside an intact frame is answered {@code PERM} and
 * the connection is kept. Both are logged at WARN, throttled, with the client's address.
 */
final class ProtocolViolations {
  private static final Logger LOG = LogManager.getLogger(ProtocolViolations.class);

  private final LogThrottle framingLog;
  private final LogThrottle malformedLog;
  private final DaemonMetrics metrics;

  ProtocolViolations() {
    this(DaemonMetrics.NONE);
  }

  ProtocolViolations(DaemonMetrics metrics) {
    this.metrics = metrics;
    this.framingLog = new LogThrottle(Duration.ofSeconds(1), "framing_error", metrics);
    this.malformedLog = new LogThrottle(Duration.ofSeconds(1), "malformed_request", metrics);
  }

  /** Logs a framing error; the caller closes once earlier replies are out. */
  void framingError(Channel channel, Throwable cause) {
    metrics.protocolViolation(ProtocolViolation.FRAMING);
    log(framingLog, "framing error from {}: {}; closing without a reply{}", channel, cause);
  }

  /** Logs a framing error and closes at once (no earlier replies to keep). */
  void disconnect(Channel channel, Throwable cause) {
    framingError(channel, cause);
    var unused = channel.close();
  }

  /** Logs a request that was framed but could not be parsed; the caller answers PERM. */
  void malformedRequest(Channel channel, Throwable cause) {
    metrics.protocolViolation(ProtocolViolation.MALFORMED_REQUEST);
    log(malformedLog, "malformed request from {}: {}; answered PERM{}", channel, cause);
  }

  private static void log(LogThrottle throttle, String format, Channel channel, Throwable cause) {
    long suppressed = throttle.tryAcquire();
    if (suppressed >= 0) {
      LOG.warn(
          format,
          channel.remoteAddress(),
          cause.getMessage(),
          suppressed > 0 ? " (" + suppressed + " similar not logged)" : "");
    }
  }
}
