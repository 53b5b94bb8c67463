package io.sockmapd.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sockmapd.config.AdminListener;
import io.sockmapd.metrics.DaemonMetrics;
import io.sockmapd.metrics.PrometheusMetrics;
import io.sockmapd.net.ServerStartException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The admin HTTP listener ({@code admin_listen}): {@code /metrics} in Prometheus's text format,
 * {@code /health/live} and {@code /health/ready}.
 *
 * <p>Vert.x's HTTP server, on Vert.x's event loops but a pipeline of its own: it shares no handler,
 * limit or counter with the socketmap listeners. Every answer is computed on the loop from state in
 * memory (a scrape reads counters, readiness reads flags), so nothing here blocks. A client outside
 * {@code admin_allow} (loopback only by default) is disconnected without an answer.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(AdminServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Prometheus's text exposition format. */
  static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final AdminListener config;
  private final PrometheusMetrics metrics;
  private final Supplier<List<String>> notReady;
  private final HttpServer server;

  private AdminServer(
      Vertx vertx,
      AdminListener config,
      PrometheusMetrics metrics,
      Supplier<List<String>> notReady) {
    this.config = config;
    this.metrics = metrics;
    this.notReady = notReady;
    this.server =
        vertx
            .createHttpServer(
                new HttpServerOptions()
                    .setHost(
                        config.endpoint().host().isEmpty() ? "0.0.0.0" : config.endpoint().host())
                    .setPort(config.endpoint().port())
                    .setIdleTimeout(60)
                    .setIdleTimeoutUnit(TimeUnit.SECONDS))
            .requestHandler(this::handle);
  }

  /**
   * Opens the listener; blocks the calling thread (never an event loop) until it is bound.
   *
   * @param notReady what keeps the daemon from being ready (empty when it is), read per request
   */
  public static AdminServer start(
      Vertx vertx, AdminListener config, PrometheusMetrics metrics, Supplier<List<String>> notReady)
      throws ServerStartException {
    AdminServer admin = new AdminServer(vertx, config, metrics, notReady);
    try {
      admin.server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      admin.close();
      throw new ServerStartException(
          "cannot listen on admin_listen " + config.endpoint() + ": " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      admin.close();
      throw new ServerStartException("interrupted while opening admin_listen", e);
    }
    LOG.info(
        "admin listener on {} (/metrics, /health/live, /health/ready; clients {})",
        config.endpoint().port() == 0
            ? config.endpoint() + " as port " + admin.port()
            : config.endpoint(),
        config.allow());
    return admin;
  }

  /** The bound port (the real one when the configured port was 0). */
  public int port() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest request) {
    if (!allowed(request.remoteAddress())) {
      metrics.rejected(DaemonMetrics.Rejection.ADMIN_ALLOW_LIST);
      var unused = request.connection().close();
      return;
    }
    if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
      request.response().setStatusCode(405).putHeader("Allow", "GET, HEAD").end();
      return;
    }
    switch (request.path()) {
      case "/metrics" ->
          request.response().putHeader("Content-Type", METRICS_CONTENT_TYPE).end(metrics.scrape());
      case "/health/live" -> json(request, 200, Map.of("status", "up"));
      case "/health/ready" -> {
        List<String> down = notReady.get();
        if (down.isEmpty()) {
          json(request, 200, Map.of("status", "up"));
        } else {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("status", "down");
          body.put("down", down);
          json(request, 503, body);
        }
      }
      default -> request.response().setStatusCode(404).end();
    }
  }

  private static void json(HttpServerRequest request, int status, Map<String, ?> body) {
    String text;
    try {
      text = JSON.writeValueAsString(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e); // strings and lists of strings only
    }
    request
        .response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(text);
  }

  private boolean allowed(SocketAddress remote) {
    String host = remote == null ? null : remote.hostAddress();
    // Always an address literal from the socket; anything else is refused, never resolved.
    if (host == null || !(host.matches("[0-9.]+") || host.indexOf(':') >= 0)) {
      return false;
    }
    try {
      return config.allows(InetAddress.getByName(host)); // an address literal: no name lookup
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Closes the listener without waiting longer than a few seconds. */
  @Override
  public void close() {
    Future<Void> closed = server.close();
    try {
      closed.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("closing the admin listener: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
