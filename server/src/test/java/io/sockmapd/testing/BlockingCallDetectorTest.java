package io.sockmapd.testing;

import static io.sockmapd.testing.FaultProxyPostgres.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;

/**
 * The build's blocking-call check itself: it must catch a blocking call on a Netty or Vert.x event
 * loop, and must leave threads that may block alone. If these tests fail, BlockHound is not
 * installed (check the Surefire argLine) and no other test would notice blocking code.
 */
class BlockingCallDetectorTest {
  private static final Logger log = LogManager.getLogger(BlockingCallDetectorTest.class);

  private static EventLoopGroup netty;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    netty = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    netty.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    await(vertx.close());
  }

  /** Runs {@code task} and returns what it threw, or null. */
  private static @Nullable Throwable outcome(ThrowingTask task) {
    try {
      task.run();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  @FunctionalInterface
  private interface ThrowingTask {
    void run() throws Exception;
  }

  private static final ThrowingTask SLEEP = () -> Thread.sleep(1);

  @Test
  void sleepOnANettyEventLoopIsCaught() throws Exception {
    Throwable thrown = netty.submit(() -> outcome(SLEEP)).get(10, TimeUnit.SECONDS);

    assertThat(thrown)
        .isInstanceOf(BlockingOperationError.class)
        .hasMessageContaining("java.lang.Thread.sleep");
  }

  @Test
  void sleepOnAVertxEventLoopIsCaught() throws Exception {
    CompletableFuture<@Nullable Throwable> thrown = new CompletableFuture<>();
    vertx.runOnContext(v -> thrown.complete(outcome(SLEEP)));

    assertThat(thrown.get(10, TimeUnit.SECONDS)).isInstanceOf(BlockingOperationError.class);
  }

  @Test
  void vertxWorkerThreadsMayBlock() {
    @Nullable Throwable thrown = await(vertx.executeBlocking(() -> outcome(SLEEP)));

    assertThat(thrown).isNull();
  }

  @Test
  void testThreadsMayBlock() {
    assertThat(outcome(SLEEP)).isNull();
  }

  /**
   * Surefire captures the console, so logging on a loop is not flagged; a test log configuration
   * that writes to a file would be, and would then fail every test that logs on a loop.
   */
  @Test
  void loggingOnAnEventLoopIsAllowed() throws Exception {
    Throwable thrown =
        netty
            .submit(() -> outcome(() -> log.error("logged on an event loop on purpose")))
            .get(10, TimeUnit.SECONDS);

    assertThat(thrown).isNull();
  }
}
