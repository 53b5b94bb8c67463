package io.sockmapd.testing;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Restores the log levels that an in-process {@code sockmapd check}/{@code verify} lowers for the
 * whole JVM ({@code Main.configureLogging}): later tests that wait for INFO lines (node state
 * changes) would otherwise never see them.
 */
public final class LogLevels implements AutoCloseable {
  private final Level root = LogManager.getRootLogger().getLevel();
  private final Level sockmapd = LogManager.getLogger("io.sockmapd").getLevel();

  private LogLevels() {}

  /** Remembers the levels now; {@link #close} puts them back. */
  public static LogLevels keep() {
    return new LogLevels();
  }

  @Override
  public void close() {
    Configurator.setRootLevel(root);
    Configurator.setLevel("io.sockmapd", sockmapd);
  }
}
