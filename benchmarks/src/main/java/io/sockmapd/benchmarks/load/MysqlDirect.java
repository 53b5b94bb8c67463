package io.sockmapd.benchmarks.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The direct client that sockmapd's MariaDB/MySQL figures are compared with, as pgbench is for
 * PostgreSQL (mysqlslap cannot run a prepared statement over a key set): N connections, each
 * running one server-side prepared point query in a closed loop over the same key file as {@link
 * LoadGenerator}, one statement in flight per connection. One event loop drives every connection,
 * as LoadGenerator's one selector thread does. A result row is read as {@code OK value} (several
 * rows joined with commas, as sockmapd does) and no row as {@code NOTFOUND }, so the key file's
 * expected replies count wrong answers here too.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.sockmapd.benchmarks.load.MysqlDirect \
 *     --uri mysql://user:secret@127.0.0.1:3306/test \
 *     --query 'SELECT goto FROM aliases WHERE address = ?' \
 *     --keys keys.tsv --connections 32 --seconds 10 --warmup 2
 * </pre>
 *
 * <p>Prints the same line as LoadGenerator and exits 1 when a statement failed or a reply was
 * wrong.
 */
public final class MysqlDirect {
  private final String[] keys;
  private final String[] expected;
  private final LoadResults results = new LoadResults();
  private final CountDownLatch finished;
  private final Random random = new Random(42);
  private long measureStart;
  private long end;

  private MysqlDirect(List<String[]> lines, int connections) {
    keys = new String[lines.size()];
    expected = new String[lines.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = lines.get(i)[0];
      expected[i] = lines.get(i).length > 1 ? lines.get(i)[1] : null;
    }
    finished = new CountDownLatch(connections);
  }

  /** Runs the next statement of one connection; called again from its completion. */
  private void next(PreparedStatement statement, int index) {
    long sentAt = System.nanoTime();
    statement
        .query()
        .execute(Tuple.of(keys[index]))
        .onComplete(
            done -> {
              long now = System.nanoTime();
              if (done.failed()) {
                results.error();
                finished.countDown(); // a broken connection would fail every later statement
                return;
              }
              if (sentAt >= measureStart) {
                results.record(now - sentAt, reply(done.result()), expected[index]);
              }
              if (now >= end) {
                finished.countDown();
              } else {
                next(statement, (index + 1) % keys.length);
              }
            });
  }

  private static String reply(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return "NOTFOUND ";
    }
    StringJoiner values = new StringJoiner(",", "OK ", "");
    for (Row row : rows) {
      values.add(String.valueOf(row.getValue(0)));
    }
    return values.toString();
  }

  /** Command line entry point; see the class comment for the options. */
  public static void main(String[] args) throws Exception {
    String uri = null;
    String query = null;
    RunOptions run = new RunOptions();
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--uri" -> uri = args[i + 1];
        case "--query" -> query = args[i + 1];
        default -> {
          if (!run.take(args[i], args[i + 1])) {
            usage("unknown option " + args[i]);
          }
        }
      }
    }
    if (uri == null || query == null || run.keys == null || args.length % 2 != 0) {
      usage("--uri, --query and --keys are required");
      return;
    }
    List<String[]> lines = LoadGenerator.readKeys(run.keys);
    if (lines.isEmpty()) {
      usage("no keys in " + run.keys);
      return;
    }
    MysqlDirect direct = new MysqlDirect(lines, run.connections);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    boolean failed;
    try {
      failed = direct.run(vertx, MySQLConnectOptions.fromUri(uri), query, run);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    System.exit(failed ? 1 : 0);
  }

  /** Connects and prepares first, then runs; this thread only waits (it is no event loop). */
  private boolean run(Vertx vertx, MySQLConnectOptions options, String query, RunOptions run)
      throws Exception {
    List<Future<PreparedStatement>> prepared = new ArrayList<>();
    for (int i = 0; i < run.connections; i++) {
      prepared.add(MySQLConnection.connect(vertx, options).compose(c -> c.prepare(query)));
    }
    Future.all(prepared).await(30, TimeUnit.SECONDS);
    long measureNanos = (long) (run.seconds * 1e9);
    measureStart = System.nanoTime() + (long) (run.warmup * 1e9);
    end = measureStart + measureNanos;
    for (Future<PreparedStatement> statement : prepared) {
      next(statement.result(), random.nextInt(keys.length));
    }
    if (!finished.await((long) (run.warmup + run.seconds) + 30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the statements did not finish");
    }
    System.out.println(results.summary(measureNanos, run.connections));
    return results.failed();
  }

  private static void usage(String problem) {
    System.err.println("mysql-direct: " + problem);
    System.err.println(
        "usage: MysqlDirect --uri mysql://USER:PASSWORD@HOST:PORT/DB --query SQL --keys FILE"
            + " [--connections C] [--seconds S] [--warmup W]");
    System.exit(2);
  }
}
