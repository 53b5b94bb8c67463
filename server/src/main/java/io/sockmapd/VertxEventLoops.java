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
