package io.sockmapd.net;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.util.function.Supplier;

/**
 * An event loop group owned by someone else that the listeners may run on: the database client's
 * own loops, so that a lookup's database I/O and its reply can stay on the connection's thread
 * instead of hopping between two groups. The server never shuts this group down.
 */
public interface SharedEventLoops {

  /** The loops to accept and serve connections on. */
  EventLoopGroup group();

  /** The transport whose channel classes fit {@link #group()}. */
  Transport transport();

  /**
   * Runs {@code work} on the calling thread, which is {@code loop}, such that asynchronous work it
   * starts completes on {@code loop} too; returns what {@code work} returns.
   */
  <T> T callOn(EventLoop loop, Supplier<T> work);
}
