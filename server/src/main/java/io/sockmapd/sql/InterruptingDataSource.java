package io.sockmapd.sql;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.apache.logging.log4j.LogManager;
import org.jspecify.annotations.Nullable;

/**
 * A SQLite data source whose statements are interrupted once they have run for {@code
 * lookup_timeout} (plus {@link StatementTimeLimit#MARGIN}). A runaway statement (a recursive query
 * that never ends) would otherwise keep its worker thread spinning and its pooled connection taken
 * long after its lookup was answered {@code TIMEOUT}; a few of them and the database answers
 * nothing but {@code TIMEOUT} until a restart.
 *
 * <p>sqlite-jdbc's {@link Statement#setQueryTimeout} only bounds the wait for a lock (it sets the
 * busy timeout), not a statement that runs; {@link Statement#cancel} ({@code sqlite3_interrupt})
 * stops it at its next step. The Vert.x JDBC client never hands out its statements, so the
 * connections handed out here wrap theirs (with {@link Proxy}: the JDBC interfaces are far too
 * large to delegate by hand for three methods) and time each execution, from {@code execute*} until
 * the statement is closed or runs again (rows are stepped after {@code execute} returns).
 */
final class InterruptingDataSource implements DataSource {
  private static final org.apache.logging.log4j.Logger LOG =
      LogManager.getLogger(InterruptingDataSource.class);

  /**
   * One timer thread for every SQLite database: not a Vert.x timer, whose handler could need the
   * very worker threads the runaway statements hold.
   */
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private final DataSource delegate;
  private final long limitMillis;

  InterruptingDataSource(DataSource delegate, Duration limit) {
    this.delegate = delegate;
    this.limitMillis = Math.max(1, limit.toMillis());
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = Executors.defaultThreadFactory().newThread(runnable);
              thread.setName("sockmapd-sqlite-interrupt");
              thread.setDaemon(true);
              return thread;
            });
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return watched(delegate.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return watched(delegate.getConnection(username, password));
  }

  private Connection watched(Connection connection) {
    Watch watch = new Watch();
    return proxy(
        Connection.class,
        (proxy, method, args) -> {
          Object result = invoke(method, connection, args);
          if (result instanceof Statement statement && method.getReturnType().isInterface()) {
            return watchedStatement(statement, method.getReturnType(), watch);
          }
          return result;
        });
  }

  /** {@code statement} as the interface the connection method returned, its executions timed. */
  private Object watchedStatement(Statement statement, Class<?> type, Watch watch) {
    return proxy(
        type,
        (proxy, method, args) -> {
          String name = method.getName();
          if (name.startsWith("execute")) {
            watch.started(statement);
          } else if (name.equals("close")) {
            watch.ended(statement);
          }
          return invoke(method, statement, args);
        });
  }

  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return type.cast(
        Proxy.newProxyInstance(
            InterruptingDataSource.class.getClassLoader(), new Class<?>[] {type}, handler));
  }

  private static Object invoke(Method method, Object target, Object @Nullable [] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * The statement execution being timed on one connection (a connection runs one at a time). The
   * lock makes sure an interrupt meant for one statement never hits the next one.
   */
  private final class Watch {
    private @Nullable Statement running;
    private @Nullable ScheduledFuture<?> timer;

    synchronized void started(Statement statement) {
      stop();
      running = statement;
      timer = TIMER.schedule(() -> expired(statement), limitMillis, TimeUnit.MILLISECONDS);
    }

    synchronized void ended(Statement statement) {
      if (running == statement) {
        stop();
      }
    }

    private void stop() {
      if (timer != null) {
        timer.cancel(false);
      }
      timer = null;
      running = null;
    }

    private synchronized void expired(Statement statement) {
      if (running != statement) {
        return; // ended just now
      }
      running = null;
      timer = null;
      try {
        statement.cancel(); // sqlite3_interrupt: sets a flag, does not wait
        LOG.debug("SQLite statement interrupted after {} ms", limitMillis);
      } catch (SQLException e) {
        LOG.debug("SQLite statement could not be interrupted: {}", e.toString());
      }
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return delegate.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return delegate.isWrapperFor(type);
  }
}
