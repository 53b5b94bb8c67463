package io.sockmapd.config;

import java.net.URI;
import java.util.List;

/**
 * What an {@code "type": "http"} database adds to the common settings (deadlines, pool size, {@code
 * tls_ca_file}): the base URLs of its nodes and what every request carries.
 *
 * @param urls one base URL per node, {@code http://} or {@code https://}, in rotation order; a
 *     map's {@code path} is appended to each
 * @param userAgent the {@code User-Agent} header
 * @param authToken sent as {@code X-Auth-Token} when not empty (postfix-rest-connector's header)
 * @param maxResponseSize the largest response body read; a larger one fails the lookup as soon as
 *     that many bytes have arrived
 */
public record HttpSettings(
    List<URI> urls, String userAgent, Secret authToken, int maxResponseSize) {
  public HttpSettings {
    urls = List.copyOf(urls);
  }
}
