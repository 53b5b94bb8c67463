package io.sockmapd.net;

import io.netty.channel.Channel;
import io.sockmapd.config.Endpoint;
import io.sockmapd.log.LogThrottle;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Connections closed as soon as they were accepted because of who the client is: counted by reason,
 * passed to a {@link Recorder} (metrics), and logged at WARN at most once per interval per reason,
 * with the number held back, so that a scan or a flood cannot fill the log. Thread-safe.
 */
public final class RefusedConnections {
  private static final Logger LOG = LogManager.getLogger(RefusedConnections.class);
  private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

  /** Why a connection was refused. */
  public enum Reason {
    /** The client's address is in none of the listener's {@code allow} networks. */
    NOT_ALLOWED,
    /** The client already held {@code max_connections_per_client} connections. */
    CLIENT_CONNECTION_LIMIT
  }

  /** Receives every refusal as it happens (metrics binds this); must not block. */
  @FunctionalInterface
  public interface Recorder {
    /** Records nothing. */
    Recorder NONE = (listener, reason) -> {};

    void refused(Endpoint listener, Reason reason);
  }

  private final int maxConnectionsPerClient;
  private final Map<Reason, AtomicLong> counts = new EnumMap<>(Reason.class);
  private final Map<Reason, LogThrottle> logs = new EnumMap<>(Reason.class);
  private volatile Recorder recorder = Recorder.NONE;

  RefusedConnections(int maxConnectionsPerClient) {
    this(maxConnectionsPerClient, System::nanoTime);
  }

  /** With the clock of the log throttle; for tests. */
  RefusedConnections(int maxConnectionsPerClient, LongSupplier nanoClock) {
    this.maxConnectionsPerClient = maxConnectionsPerClient;
    for (Reason reason : Reason.values()) {
      counts.put(reason, new AtomicLong());
      logs.put(reason, new LogThrottle(LOG_INTERVAL, nanoClock));
    }
  }

  /** Sends later refusals to {@code recorder} as well. */
  void recordTo(Recorder recorder) {
    this.recorder = recorder;
  }

  /** Connections refused for {@code reason} since start. */
  long count(Reason reason) {
    return counts.get(reason).get();
  }

  /** Closes a connection just accepted on {@code listener}, and counts and logs why. */
  void refuse(Channel channel, Endpoint listener, Reason reason) {
    // Counted before the close, so that whoever sees the close sees the count too.
    counts.get(reason).incrementAndGet();
    recorder.refused(listener, reason);
    long heldBack = logs.get(reason).tryAcquire();
    if (heldBack >= 0) {
      log(ClientAdmission.clientAddress(channel), listener, reason, heldBack);
    }
    var unused = channel.close();
  }

  private void log(Object client, Endpoint listener, Reason reason, long heldBack) {
    String more = heldBack > 0 ? " (and " + heldBack + " more since the last message)" : "";
    switch (reason) {
      case NOT_ALLOWED ->
          LOG.warn(
              "refused connection from {} to {}: not in its allow list{}", client, listener, more);
      case CLIENT_CONNECTION_LIMIT ->
          LOG.warn(
              "max_connections_per_client ({}) reached: closed new connection from {} to {}{}",
              maxConnectionsPerClient,
              client,
              listener,
              more);
    }
  }
}
