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
    // The JDK reads its net.properties file once, in this class's static initializer, the first
    // time any socket is created; whichever thread gets there first (here often a Vert.x loop
    // opening a database connection) pays that one read. Not a per-request cost.
    builder.allowBlockingCallsInside("sun.net.NetProperties", "<clinit>");
    // Vert.x shuts its worker executor down from an event loop when Vert.x closes (the executor
    // takes its lock). Once per shutdown, inside Vert.x; nothing of ours runs there.
    builder.allowBlockingCallsInside("io.vertx.core.internal.WorkerPool", "close");
    // Handing a task to a worker pool (Vert.x executeBlocking, which the JDBC client for SQLite
    // calls from an event loop for every statement) offers it to the pool's LinkedBlockingQueue.
    // offer() never waits for space; it only takes the queue's lock for a moment, and when a
    // worker holds that lock at the same instant the loop parks briefly. Seen as a rare
    // BlockingOperationError thrown inside the JDBC client, which then lost the connection.
    builder.allowBlockingCallsInside("java.util.concurrent.LinkedBlockingQueue", "offer");
    // Netty's adaptive allocator takes a magazine's StampedLock for a moment when it grows its
    // magazines under contention (seen with many connections reading 100 KB requests at once on
    // both loops). A short critical section inside Netty's own allocator, never I/O.
    builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
    // TLS to the databases: the JDK's default SecureRandom (NativePRNG) refills its buffer from
    // /dev/urandom when a TLS context is built and during handshakes, on the loop that opens the
    // connection, as it does for every Netty TLS client. /dev/urandom never waits for entropy;
    // generateSeed (which may read /dev/random) is not allowed.
    builder.allowBlockingCallsInside("sun.security.provider.NativePRNG$RandomIO", "implNextBytes");
    // SCRAM-SHA-256, PostgreSQL's default password authentication since 14, makes a client nonce
    // from SecureRandom when a connection logs in, on the loop that opens it. On Linux that reads
    // /dev/urandom, which never waits for entropy. Seen against a password-protected server
    // (the Testcontainers databases); a server with trust authentication never asks for it.
    builder.allowBlockingCallsInside("com.ongres.scram.common.ScramFunctions", "nonce");
  }
}
