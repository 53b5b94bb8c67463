package io.sockmapd.sql.notify;

import io.sockmapd.cache.KeyInvalidation;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.log.LogThrottle;
import io.sockmapd.metrics.DaemonMetrics;
import io.sockmapd.sql.PoolFactory;
import io.sockmapd.sql.SqlErrorClassifier;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * One map's {@code LISTEN} on its PostgreSQL database, on a connection of its own ({@link
 * PgSubscriber}), passing what it hears to the map's {@link KeyInvalidation}: a payload is a
 * changed key; an empty payload or {@code *} means the whole map.
 *
 * <p><b>Which node.</b> PostgreSQL delivers a notification only to listeners on the server where
 * the notifying transaction committed; standbys never see them. So the listener takes the
 * database's hosts in order and listens on the first that accepts the connection and is not in
 * recovery ({@code pg_is_in_recovery()}), the one the writes go to. After a failover the old
 * primary's connection drops, and the next round finds the promoted node.
 *
 * <p><b>When the connection drops</b> (or stops answering the {@code SELECT 1} it is asked every
 * {@link #PING_INTERVAL}) changes may go unheard, so the cache is flushed at once and the listener
 * connects again at once; once the {@code LISTEN} is in place the cache is flushed again, since
 * lookups made in between may have read rows that changed unheard. A round in which no node could
 * be listened on is retried after a delay that doubles up to {@link #MAX_RETRY}, and logged at most
 * once a minute. The metric {@code sockmapd_cache_listening} says whether the map listens now.
 *
 * <p>Everything runs on one Vert.x context of its own and nothing waits: connecting, the recovery
 * check and the timers are all callbacks.
 */
final class ChannelListener {
  private static final Logger LOG = LogManager.getLogger(ChannelListener.class);

  static final Duration FIRST_RETRY = Duration.ofMillis(250);

  /**
   * How often a listening connection is asked {@code SELECT 1}: a connection cut without a FIN or
   * RST (a host gone, a firewall's state dropped) would otherwise look alive while every
   * notification is lost. An answer must come within the database's {@code connect_timeout}.
   */
  static final Duration PING_INTERVAL = Duration.ofSeconds(5);

  static final Duration MAX_RETRY = Duration.ofSeconds(30);

  /** What the listening connections are called in {@code pg_stat_activity}. */
  static final String APPLICATION_NAME = "sockmapd listen";

  /** One line per map a minute while it cannot listen. */
  private static final LogThrottle NOT_LISTENING =
      new LogThrottle(Duration.ofMinutes(1), 1000, Duration.ofMinutes(1));

  private final Vertx vertx;
  private final Context context;
  private final String mapName;
  private final DatabaseConfig database;
  private final String channel;
  private final KeyInvalidation sink;
  private final DaemonMetrics metrics;

  // Confined to the context.
  private @Nullable PgSubscriber current;
  private boolean listening;
  private boolean stopped;
  private long retryDelayMillis = FIRST_RETRY.toMillis();
  private long timer = -1;
  private long guard = -1;

  ChannelListener(
      Vertx vertx,
      String mapName,
      DatabaseConfig database,
      String channel,
      KeyInvalidation sink,
      DaemonMetrics metrics) {
    this.vertx = vertx;
    // Called from the daemon's or the reload's thread: a new event-loop context of its own.
    this.context = vertx.getOrCreateContext();
    this.mapName = mapName;
    this.database = database;
    this.channel = channel;
    this.sink = sink;
    this.metrics = metrics;
  }

  void start() {
    // Not yet: a listener this one replaces may still be listening, but for the old cache.
    metrics.cacheListening(mapName, false);
    context.runOnContext(v -> attempt(0));
  }

  /**
   * Stops listening and closes the connection.
   *
   * @param report whether the metric is to say the map no longer listens (not when a new listener
   *     for the same map takes over)
   */
  void stop(boolean report) {
    context.runOnContext(
        v -> {
          stopped = true;
          cancelTimers();
          PgSubscriber subscriber = current;
          current = null;
          if (subscriber != null) {
            subscriber.close();
          }
          if (listening && report) {
            metrics.cacheListening(mapName, false);
          }
          listening = false;
        });
  }

  private void attempt(int index) {
    cancelTimers();
    if (stopped) {
      return;
    }
    List<HostAndPort> hosts = database.hosts();
    HostAndPort host = hosts.get(index);
    PgConnectOptions options = PoolFactory.postgresOptions(database, host);
    options.addProperty("application_name", APPLICATION_NAME);
    PgSubscriber subscriber = PgSubscriber.subscriber(vertx, options);
    current = subscriber;
    subscriber.channel(channel).handler(this::notified);
    subscriber.closeHandler(v -> lost(subscriber, host, "closed"));
    // Connecting, logging in, LISTEN and the recovery check, all bounded: a node that accepts the
    // connection and then says nothing must not keep the map from listening elsewhere.
    Duration limit = database.connectTimeout().plus(database.lookupTimeout());
    guard =
        vertx.setTimer(
            limit.toMillis(),
            t -> {
              guard = -1;
              if (subscriber == current && !listening) {
                abandon(subscriber);
                next(index, host + ": no answer within " + limit.toMillis() + " ms");
              }
            });
    subscriber
        .connect()
        .onComplete(
            connected -> {
              if (subscriber != current) {
                subscriber.close();
                return;
              }
              PgConnection connection = subscriber.actualConnection();
              if (connected.failed() || connection == null) {
                abandon(subscriber);
                next(
                    index,
                    host
                        + ": "
                        + (connected.failed()
                            ? SqlErrorClassifier.describe(connected.cause())
                            : "connection closed"));
                return;
              }
              connection
                  .query("SELECT pg_is_in_recovery()")
                  .execute()
                  .onComplete(
                      checked -> {
                        if (subscriber != current) {
                          return;
                        }
                        if (checked.failed()) {
                          abandon(subscriber);
                          next(index, host + ": " + SqlErrorClassifier.describe(checked.cause()));
                          return;
                        }
                        Iterator<Row> rows = checked.result().iterator();
                        if (rows.hasNext() && Boolean.TRUE.equals(rows.next().getBoolean(0))) {
                          abandon(subscriber);
                          next(
                              index,
                              host + " is a standby, and notifications reach the primary only");
                          return;
                        }
                        listening(subscriber, host);
                      });
            });
  }

  private void notified(@Nullable String payload) {
    if (payload == null || payload.isEmpty() || payload.equals("*")) {
      sink.allChanged();
    } else {
      sink.keyChanged(payload);
    }
  }

  private void listening(PgSubscriber subscriber, HostAndPort host) {
    listening = true;
    cancelTimers();
    schedulePing(subscriber, host);
    retryDelayMillis = FIRST_RETRY.toMillis();
    // Lookups made before the LISTEN was in place may hold rows that changed unheard. Listening
    // is reported once they are gone, when the cache can be trusted.
    sink.allChanged(
        () ->
            context.runOnContext(
                v -> {
                  if (subscriber == current && listening) {
                    metrics.cacheListening(mapName, true);
                    LOG.info(
                        "map {}: listening on channel \"{}\" at {}; cache flushed",
                        mapName,
                        channel,
                        host);
                  }
                }));
  }

  private void schedulePing(PgSubscriber subscriber, HostAndPort host) {
    timer = vertx.setTimer(PING_INTERVAL.toMillis(), t -> ping(subscriber, host));
  }

  private void ping(PgSubscriber subscriber, HostAndPort host) {
    timer = -1;
    PgConnection connection = subscriber.actualConnection();
    if (subscriber != current || !listening || connection == null) {
      return;
    }
    long limit = database.connectTimeout().toMillis();
    guard =
        vertx.setTimer(
            limit,
            t -> {
              guard = -1;
              lost(subscriber, host, "went silent (no answer to a ping within " + limit + " ms)");
            });
    connection
        .query("SELECT 1")
        .execute()
        .onComplete(
            answered -> {
              if (subscriber != current || !listening) {
                return;
              }
              cancelTimers();
              if (answered.failed()) {
                lost(
                    subscriber,
                    host,
                    "failed (" + SqlErrorClassifier.describe(answered.cause()) + ")");
              } else {
                schedulePing(subscriber, host);
              }
            });
  }

  /**
   * The listening connection is gone, or no longer to be trusted: changes may go unheard, so the
   * cache is flushed and the listener starts over. Before the LISTEN was in place, {@link
   * #attempt}'s own handling applies.
   */
  private void lost(PgSubscriber subscriber, HostAndPort host, String how) {
    if (subscriber != current || stopped || !listening) {
      return;
    }
    cancelTimers();
    current = null;
    listening = false;
    subscriber.close();
    sink.allChanged();
    metrics.cacheListening(mapName, false);
    long held = NOT_LISTENING.tryAcquire(mapName);
    if (held >= 0) {
      LOG.warn(
          "map {}: the connection listening on channel \"{}\" at {} {}; cache flushed,"
              + " listening again{}",
          mapName,
          channel,
          host,
          how,
          held > 0 ? " (" + held + " similar lines held back)" : "");
    }
    attempt(0);
  }

  private void cancelTimers() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (guard >= 0) {
      vertx.cancelTimer(guard);
      guard = -1;
    }
  }

  /** Closes a connection that will not listen; its close is not a drop. */
  private void abandon(PgSubscriber subscriber) {
    current = null;
    cancelTimers();
    subscriber.close();
  }

  private void next(int index, String problem) {
    if (stopped) {
      return;
    }
    if (index + 1 < database.hosts().size()) {
      attempt(index + 1);
      return;
    }
    long delay = retryDelayMillis;
    retryDelayMillis = Math.min(MAX_RETRY.toMillis(), retryDelayMillis * 2);
    long held = NOT_LISTENING.tryAcquire(mapName);
    if (held >= 0) {
      LOG.warn(
          "map {}: not listening on channel \"{}\" ({}); cached answers last their TTL until it"
              + " does; trying again in {} ms{}",
          mapName,
          channel,
          problem,
          delay,
          held > 0 ? " (" + held + " similar lines held back)" : "");
    }
    timer = vertx.setTimer(delay, t -> attempt(0));
  }
}
