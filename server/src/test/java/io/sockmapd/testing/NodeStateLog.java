package io.sockmapd.testing;

import io.sockmapd.sql.cluster.ClusterExecutor;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.jspecify.annotations.Nullable;

/**
 * Records what {@link ClusterExecutor} logs, so a test can check that each node state change is
 * logged once (not once per lookup) and when it happened. Attach it before the cluster starts and
 * close it at the end.
 */
public final class NodeStateLog extends AbstractAppender implements AutoCloseable {

  /**
   * One logged line and the {@link System#nanoTime()} at which it was logged.
   *
   * @param thrown the exception logged with it, if any
   */
  public record Line(long nanos, Level level, String message, @Nullable Throwable thrown) {
    /** Whether this line reports {@code node} going down. */
    public boolean isDown(String node) {
      return message.contains(" node " + node + " down: ");
    }

    /** Whether this line reports {@code node} coming back. */
    public boolean isUp(String node) {
      return message.endsWith(" node " + node + " back up");
    }
  }

  private final ConcurrentLinkedQueue<Line> lines = new ConcurrentLinkedQueue<>();
  private final Logger logger;

  private NodeStateLog(Logger logger) {
    super("node-state-log", null, null, true, Property.EMPTY_ARRAY);
    this.logger = logger;
  }

  /** Starts recording the cluster executor's log. */
  public static NodeStateLog attach() {
    return attach((Logger) LogManager.getLogger(ClusterExecutor.class));
  }

  /** Starts recording everything logged, by any logger: to count ERROR lines, say. */
  public static NodeStateLog attachToAll() {
    return attach((Logger) LogManager.getRootLogger());
  }

  private static NodeStateLog attach(Logger logger) {
    NodeStateLog log = new NodeStateLog(logger);
    log.start();
    log.logger.addAppender(log);
    return log;
  }

  @Override
  public void append(LogEvent event) {
    lines.add(
        new Line(
            System.nanoTime(),
            event.getLevel(),
            event.getMessage().getFormattedMessage(),
            event.getThrown()));
  }

  /** The state changes logged for {@code node}, oldest first: "down" or "up" each. */
  public List<String> changesOf(String node) {
    return lines.stream()
        .map(l -> l.isDown(node) ? "down" : l.isUp(node) ? "up" : "")
        .filter(s -> !s.isEmpty())
        .toList();
  }

  /** When {@code node} was first logged down, or -1 if it was not. */
  public long firstDownNanos(String node) {
    return lines.stream().filter(l -> l.isDown(node)).mapToLong(Line::nanos).findFirst().orElse(-1);
  }

  /** Every line recorded so far. */
  public List<Line> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    logger.removeAppender((Appender) this);
    stop();
  }
}
