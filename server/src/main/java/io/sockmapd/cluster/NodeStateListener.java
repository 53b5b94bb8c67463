package io.sockmapd.cluster;

import io.sockmapd.config.HostAndPort;

/**
 * Hears about node state changes of a database cluster, once per change (not once per lookup).
 * Called on a Vert.x thread; must not block.
 */
public interface NodeStateListener {

  /** Listens to nothing. */
  NodeStateListener NONE =
      new NodeStateListener() {
        @Override
        public void nodeDown(String database, HostAndPort node, String reason) {}

        @Override
        public void nodeUp(String database, HostAndPort node) {}
      };

  /** The node was taken out of the rotation. */
  void nodeDown(String database, HostAndPort node, String reason);

  /** A probe answered and the node is back in the rotation. */
  void nodeUp(String database, HostAndPort node);
}
