package io.sockmapd.http;

import io.netty.channel.ConnectTimeoutException;
import io.sockmapd.cluster.NodeClients;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.config.HttpSettings;
import io.sockmapd.config.HttpUrls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * An http database's nodes for {@link io.sockmapd.cluster.NodeHealth}: one {@link WebClient} per
 * base URL, whose pool keeps connections alive between lookups ({@code pool_size} of them). An
 * {@code https} URL is verified: the chain against {@code tls_ca_file} (the JVM's CAs without it)
 * and the host name against the certificate. Redirects are not followed: postfix-rest-connector
 * does not follow them either, and a redirect is answered {@code TEMP}.
 *
 * <p>The probe is a {@code GET} of the base URL: any answer but 502, 503 and 504 means the node
 * serves (a 404 or 405 from a route that only answers with a key is fine).
 */
final class HttpNodeClients implements NodeClients<WebClient> {
  private static final Logger LOG = LogManager.getLogger(HttpCluster.class);

  private final Vertx vertx;
  private final Map<HostAndPort, URI> urls = new LinkedHashMap<>();
  private final HttpSettings settings;
  private final int poolSize;
  private final int connectTimeoutMillis;
  private final @Nullable Path caFile;

  /** Read when the backend is built, never on an event loop (where a client would read it). */
  private final TrustOptions trust;

  HttpNodeClients(Vertx vertx, DatabaseConfig database) {
    HttpSettings http = database.http();
    if (http == null) {
      throw new IllegalArgumentException("database " + database.name() + " is not http");
    }
    this.vertx = vertx;
    this.settings = http;
    for (URI url : http.urls()) {
      urls.put(HttpUrls.node(url), url);
    }
    this.poolSize = database.poolSize();
    this.connectTimeoutMillis = (int) Math.max(1, database.connectTimeout().toMillis());
    this.caFile = database.tlsCaFile();
    this.trust = trust(database.name(), caFile);
  }

  /**
   * The CAs an https node is checked against: {@code tls_ca_file}, else the JVM's. Loaded here:
   * left to Vert.x, they would be read from disk on the event loop of the first connection. A CA
   * file that can't be read trusts nothing (every https request fails as TLS), never everything.
   */
  private static TrustOptions trust(String database, @Nullable Path caFile) {
    try {
      if (caFile != null) {
        return new PemTrustOptions().addCertValue(Buffer.buffer(Files.readAllBytes(caFile)));
      }
      TrustManagerFactory system =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      system.init((KeyStore) null);
      return TrustOptions.wrap(system);
    } catch (IOException | GeneralSecurityException e) {
      LOG.error(
          "database {}: cannot load the CAs for https ({}): no server will be trusted",
          database,
          caFile == null ? "the JVM's trust store" : "tls_ca_file " + caFile,
          e);
      try {
        KeyStore none = KeyStore.getInstance(KeyStore.getDefaultType());
        none.load(null, null);
        TrustManagerFactory nothing =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        nothing.init(none);
        return TrustOptions.wrap(nothing);
      } catch (IOException | GeneralSecurityException impossible) {
        throw new IllegalStateException("no empty trust store", impossible);
      }
    }
  }

  /** The nodes, in the order of {@code urls}. */
  java.util.List<HostAndPort> nodes() {
    return java.util.List.copyOf(urls.keySet());
  }

  /** The base URL of {@code node}. */
  URI url(HostAndPort node) {
    URI url = urls.get(node);
    if (url == null) {
      throw new IllegalArgumentException("no URL for node " + node);
    }
    return url;
  }

  @Override
  public WebClient create(HostAndPort node) {
    URI url = url(node);
    WebClientOptions options =
        new WebClientOptions()
            .setUserAgent(settings.userAgent())
            .setFollowRedirects(false)
            .setKeepAlive(true)
            .setConnectTimeout(connectTimeoutMillis);
    if (HttpUrls.isTls(url)) {
      options.setSsl(true).setVerifyHost(true).setTrustOptions(trust);
    }
    return WebClient.create(vertx, options, new PoolOptions().setHttp1MaxSize(poolSize));
  }

  /** A {@code GET} of the base URL: see the class comment. */
  @Override
  public Future<Void> probe(HostAndPort node, WebClient client) {
    HttpRequest<Void> probe =
        client.getAbs(url(node).toString()).timeout(connectTimeoutMillis).as(BodyCodec.none());
    if (!settings.authToken().isEmpty()) {
      // As every request: an application that checks it logs no failed login for each probe.
      probe.putHeader(HttpCluster.AUTH_HEADER, settings.authToken().reveal());
    }
    return probe
        .send()
        .compose(
            response ->
                HttpAnswer.nodeUnavailable(response.statusCode())
                    ? Future.failedFuture(new NodeUnavailable(response.statusCode()))
                    : Future.succeededFuture());
  }

  @Override
  public Future<Void> close(WebClient client) {
    client.close();
    return Future.succeededFuture();
  }

  @Override
  public String describe(Throwable failure) {
    return describeFailure(failure);
  }

  static String describeFailure(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      if (cause instanceof SSLException) {
        break;
      }
      cause = cause.getCause();
    }
    if (failure instanceof NodeUnavailable) {
      return failure.getMessage();
    }
    if (cause instanceof SSLException) {
      return "TLS failed: " + cause.getMessage();
    }
    if (cause instanceof ConnectTimeoutException) {
      return "connect timed out";
    }
    if (cause instanceof ConnectException) {
      return "connection refused";
    }
    if (cause instanceof UnknownHostException) {
      return "unknown host " + cause.getMessage();
    }
    if (cause instanceof HttpClosedException) {
      return "connection closed";
    }
    if (cause instanceof TimeoutException) {
      return "no answer in time";
    }
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  @Override
  public @Nullable String tlsProblem(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SSLException) {
        return cause.getMessage();
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return null;
  }

  @Override
  public String tlsSettings() {
    return "https, host name verified, "
        + (caFile == null ? "system CAs" : "tls_ca_file " + caFile);
  }

  /** A 502, 503 or 504: the node (or the gateway in front of it) is not serving. */
  static final class NodeUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NodeUnavailable(int status) {
      super("http status " + status, null, false, false);
    }
  }
}
