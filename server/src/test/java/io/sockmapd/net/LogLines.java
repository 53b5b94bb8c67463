package io.sockmapd.net;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;

/**
 * Records what some classes log, DEBUG included, as {@code LEVEL message} lines, so a test can
 * check what an operator would see. Close it to detach and restore the levels.
 */
final class LogLines extends AbstractAppender implements AutoCloseable {
  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
  private final List<Logger> loggers = new ArrayList<>();
  private final List<Level> levels = new ArrayList<>();

  private LogLines() {
    super("log-lines", null, null, true, Property.EMPTY_ARRAY);
  }

  static LogLines attach(Class<?>... classes) {
    LogLines log = new LogLines();
    log.start();
    for (Class<?> c : classes) {
      Logger logger = (Logger) LogManager.getLogger(c);
      log.loggers.add(logger);
      log.levels.add(logger.getLevel());
      Configurator.setLevel(c.getName(), Level.DEBUG);
      logger.addAppender(log);
    }
    return log;
  }

  @Override
  public void append(LogEvent event) {
    lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    for (int i = 0; i < loggers.size(); i++) {
      loggers.get(i).removeAppender((Appender) this);
      Configurator.setLevel(loggers.get(i).getName(), levels.get(i));
    }
    stop();
  }
}
