package io.sockmapd.sql.cluster;

import io.sockmapd.config.HostAndPort;
import io.vertx.sqlclient.Pool;

/**
 * Builds a fresh connection pool for one node. Creating a pool opens no connection; the cluster
 * calls this once per node at start, for every probe, and never shares a pool between nodes.
 */
@FunctionalInterface
public interface NodePoolFactory {
  Pool create(HostAndPort node);
}
