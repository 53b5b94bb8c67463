package io.sockmapd.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** The base URLs of an {@code http} database: what is accepted, and the node each one is. */
public final class HttpUrls {
  private HttpUrls() {}

  /**
   * An absolute {@code http://} or {@code https://} URL with a host. Credentials in the URL are
   * refused: a URL is logged, a secret never is ({@code auth_token} carries one).
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static URI parse(String text) {
    URI url;
    try {
      url = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + e.getMessage(), e);
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("must start with http:// or https://, got " + text);
    }
    if (url.getHost() == null || url.getHost().isEmpty()) {
      throw new IllegalArgumentException("has no host: " + text);
    }
    if (url.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "must not hold credentials (they would be logged with the URL); use auth_token");
    }
    if (url.getRawFragment() != null) {
      throw new IllegalArgumentException("must not have a #fragment: " + text);
    }
    return url;
  }

  /** The node a URL stands for in the cluster, its state and its metrics: host and port. */
  public static HostAndPort node(URI url) {
    String host = url.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new HostAndPort(host, port(url));
  }

  /** The URL's port, or the scheme's. */
  public static int port(URI url) {
    if (url.getPort() >= 0) {
      return url.getPort();
    }
    return isTls(url) ? 443 : 80;
  }

  public static boolean isTls(URI url) {
    return "https".equalsIgnoreCase(url.getScheme());
  }
}
