package io.sockmapd.http;

import io.sockmapd.cluster.ClusterNode;
import io.sockmapd.cluster.NodeHealth;
import io.sockmapd.cluster.NodeStateListener;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.config.HttpSettings;
import io.sockmapd.config.Secret;
import io.sockmapd.log.LogThrottle;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.sql.LookupAdmission;
import io.sockmapd.sql.LookupAdmission.Admitted;
import io.sockmapd.sql.LookupFailure;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * One {@code http} database: its nodes (one base URL each) with the failover of a SQL cluster
 * ({@link NodeHealth}: rotation, a node taken down once, probes, {@code retry_interval}), and the
 * deadline and {@code max_in_flight} bound of every database ({@link LookupAdmission}).
 *
 * <p>One lookup's attempts ({@link HttpCall}: a map's {@code GET}, a policy rule's {@code POST}),
 * within its deadline:
 *
 * <ul>
 *   <li>A connection that fails (refused, reset, TLS, connect timeout) or a 502, 503 or 504 takes
 *       the node down and the lookup goes on to the next node that is up.
 *   <li>Any other 5xx is the application's failure on this request: the next node is asked (it may
 *       be healthy), the node stays up; with none left the answer is {@code TEMP}.
 *   <li>Every other status is the answer ({@link HttpAnswer}); so is a body over {@code
 *       max_response_size}, as {@code TEMP}.
 *   <li>No answer by the deadline is {@code TIMEOUT}, and the node is probed: a hung node goes
 *       down, a merely slow one stays.
 * </ul>
 *
 * <p>Never blocks: requests and timers run on Vert.x's event loops.
 */
public final class HttpCluster {
  private static final Logger LOG = LogManager.getLogger(HttpCluster.class);

  /** postfix-rest-connector's header for its shared secret. */
  static final String AUTH_HEADER = "X-Auth-Token";

  private final Vertx vertx;
  private final String name;
  private final HttpSettings settings;
  private final LookupAdmission admission;
  private final HttpNodeClients clients;
  private final NodeHealth<WebClient> health;
  private final long connectTimeoutMillis;
  private final LogThrottle badAnswers = new LogThrottle(Duration.ofSeconds(10));

  public HttpCluster(Vertx vertx, DatabaseConfig database, NodeStateListener listener) {
    HttpSettings http = database.http();
    if (http == null || database.hosts().isEmpty()) {
      throw new IllegalArgumentException("database " + database.name() + " has no URLs");
    }
    this.vertx = vertx;
    this.name = database.name();
    this.settings = http;
    this.admission = new LookupAdmission(vertx, database);
    this.clients = new HttpNodeClients(vertx, database);
    this.connectTimeoutMillis = Math.max(1, database.connectTimeout().toMillis());
    this.health =
        new NodeHealth<>(
            LOG,
            vertx,
            name,
            database.hosts(),
            database.connectTimeout(),
            database.retryInterval(),
            clients,
            listener);
  }

  public String name() {
    return name;
  }

  /** Nodes in the rotation now; for tests and checks. */
  public int nodesUp() {
    return health.nodesUp();
  }

  /** Lookups running now; for tests. */
  public int inFlight() {
    return admission.inFlight();
  }

  /**
   * Sends {@code call} to the nodes in turn, as described above.
   *
   * @return the answer; never fails
   */
  public Future<LookupResult> ask(HttpCall call) {
    return admission
        .<LookupResult>admit(null, lookup -> new Attempts(call, lookup).tryNextNode())
        .recover(
            e ->
                Future.succeededFuture(
                    e instanceof LookupFailure failure
                        ? failure.result()
                        : LookupResult.temp("internal error")));
  }

  /** One lookup's attempts; each step starts from the previous one's callback. */
  private final class Attempts {
    private final HttpCall call;
    private final Admitted<LookupResult> lookup;
    private final boolean[] tried = new boolean[health.size()];
    private @Nullable String lastFailure;
    private volatile @Nullable ClusterNode<WebClient> asking;

    Attempts(HttpCall call, Admitted<LookupResult> lookup) {
      this.call = call;
      this.lookup = lookup;
      lookup.onDeadline(
          () -> {
            ClusterNode<WebClient> node = asking;
            if (node != null) {
              // A slow application or a node that stopped answering? A fresh connection tells.
              health.suspect(node);
            }
          });
    }

    void tryNextNode() {
      if (lookup.isAnswered()) {
        return;
      }
      NodeHealth.Picked<WebClient> picked = health.pick(tried);
      if (picked == null) {
        String reason = "no http node available";
        lookup.fail(
            new LookupFailure(
                LookupResult.temp(
                    lastFailure == null ? reason : reason + " (" + lastFailure + ")")));
        return;
      }
      tried[picked.index()] = true;
      long remaining = lookup.remainingMillis();
      if (remaining <= 0) {
        return; // the deadline timer answers
      }
      ClusterNode<WebClient> node = picked.node();
      WebClient client = picked.pool();
      String url = clients.url(node.address()) + call.path();
      Map<String, String> form = call.form();
      HttpRequest<Buffer> request =
          (form == null ? client.getAbs(url) : client.postAbs(url))
              .timeout(remaining)
              .connectTimeout(Math.min(connectTimeoutMillis, remaining))
              .as(new LimitedBody(settings.maxResponseSize()));
      call.query().forEach(request::addQueryParam);
      Secret token = settings.authToken();
      if (!token.isEmpty()) {
        request.putHeader(AUTH_HEADER, token.reveal());
      }
      lookup.workStarted();
      asking = node;
      Future<HttpResponse<Buffer>> sent;
      try {
        sent = form == null ? request.send() : request.sendForm(formBody(form), "UTF-8");
      } catch (RuntimeException e) {
        sent = Future.failedFuture(e);
      }
      sent.onComplete(
          ar -> {
            asking = null;
            if (ar.succeeded()) {
              answered(node, client, url, ar.result());
            } else {
              failed(node, client, ar.cause());
            }
          });
    }

    private void answered(
        ClusterNode<WebClient> node, WebClient client, String url, HttpResponse<Buffer> response) {
      int status = response.statusCode();
      if (HttpAnswer.nodeUnavailable(status)) {
        health.nodeFailed(node, client, new HttpNodeClients.NodeUnavailable(status));
        lastFailure = "http status " + status;
        lookup.workEnded();
        tryNextNode();
        return;
      }
      if (status >= 500 && status < 600) {
        lastFailure = "http status " + status;
        lookup.workEnded();
        tryNextNode();
        return;
      }
      LookupResult result = HttpAnswer.of(status, response.body(), call.reading());
      if (status == 200 && !result.isDefinitive()) {
        long suppressed = badAnswers.tryAcquire();
        if (suppressed >= 0) {
          LOG.warn(
              "database {}: {} {} answered 200 with a body that is not {} (answered TEMP{})",
              name,
              call.method(),
              url,
              call.reading().expected(),
              suppressed > 0 ? "; " + suppressed + " more not logged" : "");
        }
      }
      lookup.complete(result);
      lookup.workEnded();
    }

    private void failed(ClusterNode<WebClient> node, WebClient client, Throwable cause) {
      if (cause instanceof LimitedBody.TooLarge) {
        lookup.complete(
            LookupResult.temp(
                "http answer larger than max_response_size ("
                    + settings.maxResponseSize()
                    + " bytes)"));
        lookup.workEnded();
        return;
      }
      if (lookup.isAnswered()) {
        lookup.workEnded(); // the deadline answered; the request's own timeout ended it
        return;
      }
      health.nodeFailed(node, client, cause);
      String tls = node.tlsFailure() == null ? null : clients.tlsProblem(node.tlsFailure());
      lastFailure = tls == null ? clients.describe(cause) : "TLS failed";
      lookup.workEnded();
      tryNextNode();
    }
  }

  /** The form as Vert.x sends it: every name once, in order (names are case-sensitive here). */
  private static MultiMap formBody(Map<String, String> form) {
    // Vert.x's only MultiMap folds case on set/get; add keeps each entry with its own name.
    MultiMap body = MultiMap.caseInsensitiveMultiMap();
    form.forEach(body::add);
    return body;
  }

  /**
   * For {@code sockmapd check}: every node asked once, on a fresh client, within {@code
   * connect_timeout} each.
   *
   * @return one line per node that does not serve, "database NAME: …"
   */
  public Future<List<String>> check() {
    List<Future<String>> perNode = new ArrayList<>();
    for (HostAndPort node : clients.nodes()) {
      WebClient client = clients.create(node);
      Promise<String> line = Promise.promise();
      long timer =
          vertx.setTimer(
              connectTimeoutMillis,
              id ->
                  line.tryComplete(
                      "database "
                          + name
                          + ": "
                          + clients.url(node)
                          + " did not answer within "
                          + connectTimeoutMillis
                          + " ms"));
      clients
          .probe(node, client)
          .onComplete(
              ar -> {
                vertx.cancelTimer(timer);
                line.tryComplete(
                    ar.succeeded()
                        ? ""
                        : "database "
                            + name
                            + ": cannot use "
                            + clients.url(node)
                            + ": "
                            + clients.describe(ar.cause()));
                client.close();
              });
      perNode.add(line.future());
    }
    return Future.join(perNode)
        .map(
            all ->
                perNode.stream()
                    .map(Future::result)
                    .filter(l -> l != null && !l.isEmpty())
                    .toList())
        .otherwise(e -> List.of("database " + name + ": check failed: " + e));
  }

  /** Stops lookups and closes every node's client, giving up after {@code timeout}. */
  public Future<Void> close(Duration timeout) {
    admission.close();
    List<Future<Void>> closing = health.close();
    Promise<Void> done = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> done.tryComplete());
    Future.join(closing)
        .onComplete(
            ar -> {
              vertx.cancelTimer(timer);
              done.tryComplete();
            });
    return done.future();
  }
}
