package io.sockmapd.config;

/**
 * The admin HTTP listener ({@code admin_listen}): {@code /metrics} and the health checks.
 *
 * @param endpoint where it listens (TCP only: Prometheus scrapes over HTTP)
 * @param allow the clients it answers; others are disconnected without a reply. Without {@code
 *     admin_allow}, loopback clients only.
 */
public record AdminListener(Endpoint.Inet endpoint, ClientAllowList allow) {

  /** Whether a client at {@code address} may ask. */
  public boolean allows(java.net.InetAddress address) {
    return allow.allows(address);
  }
}
