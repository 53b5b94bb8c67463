package io.sockmapd.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What BlockHound needs to know about this project's threads, beyond Netty's own integration (which
 * ships in netty-common and marks Netty event loops non-blocking). Loaded through {@code
 * META-INF/services}; {@code blockhound-junit-platform} installs BlockHound before the first test,
 * so every server test fails when code blocks on an event loop.
 *
 * <p>Keep the allowances few and say why each one is harmless.
 */
public final class BlockingCallDetectorIntegration implements BlockHoundIntegration {

  /** Vert.x names its event loop threads so; its worker threads may block and are not matched. */
  static final String VERTX_EVENT_LOOP_PREFIX = "vert.x-eventloop-thread-";

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.nonBlockingThreadPredicate(
        current -> current.or(t -> t.getName().startsWith(VERTX_EVENT_LOOP_PREFIX)));
    // The JDK reads net.properties once, when the first socket of the JVM is created; in a test
    // that first socket may be a database connection opened on an event loop.
    builder.allowBlockingCallsInside("sun.net.NetProperties", "<clinit>");
  }
}
