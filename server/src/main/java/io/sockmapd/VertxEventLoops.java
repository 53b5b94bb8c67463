package io.sockmapd;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.sockmapd.net.SharedEventLoops;
import io.sockmapd.net.Transport;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.IdentityHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Vert.x's own event loops, lent to the listeners. Each loop gets one Vert.x context bound to it; a
 * lookup started inside that context gets its pool callbacks on the same loop, so the reply is
 * written without a hop to another thread.
 *
 * <p>Uses Vert.x's internal API ({@code io.vertx.core.internal}), which Vert.x 5 keeps for
 * integrations like this one but does not promise to keep stable: everything that touches it is in
 * this class.
 */
final class VertxEventLoops implements SharedEventLoops {
  /** System property that sets the number of event loops, for a host shared with other work. */
  static final String COUNT_PROPERTY = "sockmapd.eventLoops";

  private final EventLoopGroup group;
  private final Transport transport;
  private final IdentityHashMap<EventExecutor, ContextInternal> contexts = new IdentityHashMap<>();

  private VertxEventLoops(VertxInternal vertx, EventLoopGroup group, Transport transport) {
    this.group = group;
    this.transport = transport;
    for (EventExecutor executor : group) {
      contexts.put(executor, vertx.contextBuilder().withEventLoop((EventLoop) executor).build());
    }
  }

  /**
   * How many event loops Vert.x gets. The listeners run on them too, so they are all the daemon's
   * I/O threads: one per two cores, at least one; {@value #COUNT_PROPERTY} overrides it. The other
   * cores are left to what each lookup makes the rest of the host do: the kernel's share of every
   * socket write, the MTA's processes, often the database. Measured on 2 cores (benchmarks/
   * compare.sh, 32 connections): one loop answered 1.26 times the cached lookups of two, with a
   * quarter less CPU per lookup, and as many uncached ones; four loops were slower than two.
   *
   * @param cores the processors available to the JVM
   * @param override the value of {@value #COUNT_PROPERTY}, or null
   * @throws IllegalArgumentException if {@code override} is not a positive whole number
   */
  static int count(int cores, @Nullable String override) {
    if (override == null) {
      return Math.max(1, cores / 2);
    }
    int count;
    try {
      count = Integer.parseInt(override.strip());
    } catch (NumberFormatException e) {
      count = 0;
    }
    if (count < 1) {
      throw new IllegalArgumentException(
          COUNT_PROPERTY + " must be a positive whole number, got '" + override + "'");
    }
    return count;
  }

  /** {@link #count} for this JVM. */
  static int count() {
    return count(Runtime.getRuntime().availableProcessors(), System.getProperty(COUNT_PROPERTY));
  }

  /** Vert.x's loops, or null when none of our transports can register channels with them. */
  static @Nullable VertxEventLoops of(Vertx vertx) {
    VertxInternal internal = (VertxInternal) vertx;
    EventLoopGroup group = internal.nettyEventLoopGroup();
    Transport transport = Transport.matching(group);
    return transport == null ? null : new VertxEventLoops(internal, group, transport);
  }

  @Override
  public EventLoopGroup group() {
    return group;
  }

  @Override
  public Transport transport() {
    return transport;
  }

  @Override
  public <T> T callOn(EventLoop loop, Supplier<T> work) {
    ContextInternal context = contexts.get(loop);
    if (context == null) {
      return work.get();
    }
    ContextInternal previous = context.beginDispatch();
    try {
      return work.get();
    } finally {
      context.endDispatch(previous);
    }
  }
}
