package io.sockmapd.net;

import io.netty.channel.Channel;
import io.sockmapd.config.ClientAllowList;
import io.sockmapd.config.Endpoint;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Decides, as a connection is accepted on one listener and before its pipeline is built, whether
 * its client may use it: the listener's {@code allow} list first, then {@code
 * max_connections_per_client}. A refused connection is closed at once and counted; an admitted one
 * has joined its client's share of lookups. Sockets systemd passes are served through the same
 * admission as those the daemon binds.
 */
final class ClientAdmission {
  private static final Logger LOG = LogManager.getLogger(ClientAdmission.class);

  private final Endpoint listener;
  private final @Nullable ClientAllowList allow;
  private final int maxConnectionsPerClient;
  private final ClientShares clientShares;
  private final RefusedConnections refusals;

  /**
   * @param allow the clients the listener accepts, or null for every client
   * @param maxConnectionsPerClient {@link io.sockmapd.config.Limits#UNLIMITED} for none
   */
  ClientAdmission(
      Endpoint listener,
      @Nullable ClientAllowList allow,
      int maxConnectionsPerClient,
      ClientShares clientShares,
      RefusedConnections refusals) {
    this.listener = listener;
    this.allow = allow;
    this.maxConnectionsPerClient = maxConnectionsPerClient;
    this.clientShares = clientShares;
    this.refusals = refusals;
  }

  /** The client of a connection just accepted, or null when it was refused (and closed). */
  ClientShares.@Nullable Client admit(Channel channel) {
    if (allow != null && !allow.allows(channel.remoteAddress())) {
      refusals.refuse(channel, listener, RefusedConnections.Reason.NOT_ALLOWED);
      return null;
    }
    ClientShares.Client client = clientShares.join(channel, maxConnectionsPerClient);
    if (client == null) {
      refusals.refuse(channel, listener, RefusedConnections.Reason.CLIENT_CONNECTION_LIMIT);
    }
    return client;
  }

  /**
   * Says so at start when the listener, now open at {@code localAddress}, takes every client on an
   * address other hosts can reach: a configuration file cannot ask for that without writing an
   * {@code allow} list, but one built in code, or an ezplanet-style file, can.
   */
  void warnIfOpenToOtherHosts(SocketAddress localAddress) {
    if (allow == null
        && localAddress instanceof InetSocketAddress inet
        && inet.getAddress() != null
        && !inet.getAddress().isLoopbackAddress()) {
      LOG.warn("{} accepts every client: it has no allow list", listener);
    }
  }

  /** The client's IP address (without the port, which says nothing about who it is). */
  static Object clientAddress(Channel channel) {
    SocketAddress peer = channel.remoteAddress();
    return peer instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress().getHostAddress()
        : String.valueOf(peer);
  }
}
