package io.sockmapd.http;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real HTTP server standing in for the REST application behind postfix-rest-connector: each key
 * has a fixed behaviour, and every request is recorded (its query and headers).
 *
 * <ul>
 *   <li>{@code KEY} in {@link #values}: {@code 200} with that body
 *   <li>{@code missing}: 404; {@code forbidden}: 403; {@code broken}: 500; {@code unavailable}: 503
 *   <li>{@code slow}: 200 after 8 s
 *   <li>{@code huge}: a 200 body streamed in 64 KiB chunks, 16 MiB in all
 *   <li>{@code redirect}: 302
 *   <li>anything else: 200 {@code []}
 * </ul>
 *
 * <p>A {@code POST} (a policy request: the attributes as a form) is keyed by its {@code sender}
 * attribute the same way (an entry of {@link #values} is the action sent back), but for anything
 * else, which gets 200 with an empty body; it is recorded with its form as the query and its {@code
 * Content-Type}.
 */
final class RestApplication implements AutoCloseable {
  /** One request as the application saw it. */
  record Seen(
      String method,
      String path,
      Map<String, String> query,
      String userAgent,
      String token,
      String contentType) {}

  final Map<String, String> values = new ConcurrentHashMap<>();
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  final AtomicInteger hugeChunksSent = new AtomicInteger();
  private final Vertx vertx;
  private final HttpServer server;

  private RestApplication(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  static RestApplication start(Vertx vertx) throws Exception {
    return start(vertx, new HttpServerOptions());
  }

  /** Over TLS with {@code cert} and {@code key} (PEM). */
  static RestApplication startTls(Vertx vertx, Path cert, Path key) throws Exception {
    return start(
        vertx,
        new HttpServerOptions()
            .setSsl(true)
            .setKeyCertOptions(
                new PemKeyCertOptions()
                    .setCertValue(Buffer.buffer(Files.readAllBytes(cert)))
                    .setKeyValue(Buffer.buffer(Files.readAllBytes(key))))
            // Given, so that Netty does not read the JVM's trust store on an event loop.
            .setTrustOptions(TrustOptions.wrap(systemTrust())));
  }

  private static TrustManagerFactory systemTrust() throws Exception {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    return factory;
  }

  private static RestApplication start(Vertx vertx, HttpServerOptions options) throws Exception {
    RestApplication[] app = new RestApplication[1];
    HttpServer server =
        vertx
            .createHttpServer(options)
            .requestHandler(request -> app[0].handle(request))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    app[0] = new RestApplication(vertx, server);
    return app[0];
  }

  int port() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest request) {
    if (request.method().equals(HttpMethod.POST)) {
      request.setExpectMultipart(true);
      request.endHandler(v -> answer(request, request.formAttributes(), "sender", ""));
      return;
    }
    answer(request, request.params(), "key", "[]");
  }

  private void answer(
      HttpServerRequest request, MultiMap parameters, String keyName, String otherwise) {
    Map<String, String> query = new java.util.LinkedHashMap<>();
    parameters.forEach(e -> query.put(e.getKey(), e.getValue()));
    seen.add(
        new Seen(
            request.method().name(),
            request.path(),
            query,
            header(request, "User-Agent"),
            header(request, "X-Auth-Token"),
            header(request, "Content-Type")));
    String key = query.getOrDefault(keyName, "");
    String body = values.get(key);
    if (body != null) {
      request.response().putHeader("Content-Type", "application/json").end(body);
      return;
    }
    switch (key) {
      case "missing" -> request.response().setStatusCode(404).end("no such key");
      case "forbidden" -> request.response().setStatusCode(403).end();
      case "broken" -> request.response().setStatusCode(500).end("oops");
      case "unavailable" -> request.response().setStatusCode(503).end();
      case "redirect" ->
          request.response().setStatusCode(302).putHeader("Location", "/elsewhere").end();
      case "slow" -> vertx.setTimer(8000, id -> request.response().end("[\"late\"]"));
      case "huge" -> {
        request.response().setChunked(true).write("[\"");
        sendHuge(request, 256);
      }
      default -> request.response().end(otherwise);
    }
  }

  private static String header(HttpServerRequest request, String name) {
    String value = request.getHeader(name);
    return value == null ? "" : value;
  }

  /** Streams 64 KiB chunks while the client reads them; stops when it goes away. */
  private void sendHuge(HttpServerRequest request, int left) {
    if (left == 0 || request.response().closed()) {
      request.response().end("\"]");
      return;
    }
    hugeChunksSent.incrementAndGet();
    request
        .response()
        .write(Buffer.buffer("x".repeat(65536)))
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                sendHuge(request, left - 1);
              }
            });
  }

  @Override
  public void close() {
    // Not awaited: a test thread that waited here could be interrupted; Vert.x's close awaits it.
    var unused = server.close();
  }
}
