package io.sockmapd.net;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;
import io.sockmapd.codec.SocketmapRequest;
import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.lookup.LookupResult;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Answers the requests of one connection, strictly in request order.
 *
 * <p>Each request gets a slot in a FIFO; lookups complete on any thread and hop back to this
 * channel's event loop (unless they completed on it already), fill their slot, and the slots at the
 * head that are filled are written. A later lookup that finishes first waits for the earlier ones.
 * At most {@code max_pending_requests} lookups run at once per connection; while that many requests
 * are outstanding the handler stops reading from the socket (back-pressure: nothing is dropped, the
 * client just waits). All state is touched on the event loop only, and nothing here blocks.
 */
final class LookupHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LogManager.getLogger(LookupHandler.class);
  private static final SocketmapResponse MALFORMED = SocketmapResponse.perm("malformed request");

  /** Sent down a pipeline at shutdown: stop reading, answer what is pending, then close. */
  static final Object DRAIN = new Object();

  /** One outstanding request; {@code response} is set once its lookup is done. */
  private static final class Slot {
    @Nullable SocketmapResponse response;
  }

  private final RequestDispatcher dispatcher;
  private final ProtocolViolations violations;
  private final int maxPending;
  private final @Nullable SharedEventLoops sharedLoops;

  /** Requests whose lookup has started, oldest first. */
  private final ArrayDeque<Slot> started = new ArrayDeque<>();

  /** Requests decoded from bytes already read but not started yet (over the limit). */
  private final ArrayDeque<SocketmapRequest> waiting = new ArrayDeque<>();

  /** After a framing error or at shutdown: read nothing more, close once all is answered. */
  private boolean closeWhenAnswered;

  /**
   * Set while {@link #progress} runs: a lookup that completes inside it (a cache hit) leaves the
   * rest to the running loop instead of recursing.
   */
  private boolean progressing;

  LookupHandler(
      RequestDispatcher dispatcher,
      ProtocolViolations violations,
      int maxPending,
      @Nullable SharedEventLoops sharedLoops) {
    this.dispatcher = dispatcher;
    this.violations = violations;
    this.maxPending = maxPending;
    this.sharedLoops = sharedLoops;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof SocketmapRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (!closeWhenAnswered) {
      waiting.add(request);
      progress(ctx);
    }
  }

  private void start(ChannelHandlerContext ctx, SocketmapRequest request) {
    Slot slot = new Slot();
    started.add(slot);
    if (request.decoderResult().isFailure()) {
      violations.malformedRequest(ctx.channel(), request.decoderResult().cause());
      slot.response = MALFORMED;
    } else if (!request.isKeyValidUtf8()) {
      // Such a key can't be in any UTF-8 database; looking up its mangled form could match
      // something else.
      LOG.debug("{} {}: key is not valid UTF-8, answered NOTFOUND", remote(ctx), request.mapName());
      slot.response = SocketmapResponse.notFound();
    } else {
      String mapName = request.mapName();
      String key = request.key();
      EventLoop loop = ctx.channel().eventLoop();
      CompletionStage<LookupResult> lookup =
          sharedLoops == null
              ? dispatcher.dispatch(mapName, key)
              : sharedLoops.callOn(loop, () -> dispatcher.dispatch(mapName, key));
      lookup.whenComplete(
          (result, error) -> {
            LookupResult outcome = error == null ? result : RequestDispatcher.INTERNAL_ERROR;
            // Already on this channel's loop (a cache hit, or a database callback on the shared
            // loops): answer directly; a hop through the task queue would only add latency.
            if (loop.inEventLoop()) {
              answer(ctx, slot, mapName, key, outcome);
            } else {
              loop.execute(() -> answer(ctx, slot, mapName, key, outcome));
            }
          });
    }
  }

  /** Fills a slot with its lookup's outcome; on the event loop. */
  private void answer(
      ChannelHandlerContext ctx, Slot slot, String mapName, String key, LookupResult outcome) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} {} \"{}\" -> {}", remote(ctx), mapName, key, outcome.status());
    }
    slot.response = outcome.toResponse();
    progress(ctx);
  }

  /**
   * Writes the answered head of the queue, starts waiting requests while under the limit, and
   * pauses or resumes reading. Called on the event loop after every change.
   */
  private void progress(ChannelHandlerContext ctx) {
    if (progressing) {
      return; // the running call's loop picks the change up
    }
    progressing = true;
    try {
      writeAnswered(ctx);
    } finally {
      progressing = false;
    }
  }

  private void writeAnswered(ChannelHandlerContext ctx) {
    boolean wrote = false;
    while (true) {
      Slot head = started.peek();
      if (head != null && head.response != null) {
        started.poll();
        var unused = ctx.write(head.response);
        wrote = true;
      } else if (started.size() < maxPending && !waiting.isEmpty()) {
        start(ctx, waiting.poll());
      } else {
        break;
      }
    }
    boolean answeredAll = started.isEmpty() && waiting.isEmpty();
    if (closeWhenAnswered && answeredAll) {
      // The empty write completes after every reply before it is on the wire; a plain close
      // could drop replies still in the outbound buffer.
      var unused =
          ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (wrote) {
      ctx.flush();
    }
    boolean pause = closeWhenAnswered || started.size() + waiting.size() >= maxPending;
    if (ctx.channel().config().isAutoRead() == pause) {
      ctx.channel().config().setAutoRead(!pause);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      if (started.isEmpty() && waiting.isEmpty()) {
        LOG.debug("{}: idle timeout, closing", remote(ctx));
        var unused = ctx.close();
      }
      // With lookups in flight the connection is busy, not idle: the next period decides.
      return;
    }
    if (evt == DRAIN) {
      closeWhenAnswered = true;
      progress(ctx);
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof DecoderException) {
      // The decoder has already handed on every complete request before the bad bytes; answer
      // those, then close without replying to the garbage.
      violations.framingError(ctx.channel(), cause);
      closeWhenAnswered = true;
      if (ctx.channel().isActive()) {
        progress(ctx);
      }
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // Lookups still running complete into slots nobody reads; their replies are dropped.
    started.clear();
    waiting.clear();
    ctx.fireChannelInactive();
  }

  private static Object remote(ChannelHandlerContext ctx) {
    Object address = ctx.channel().remoteAddress();
    return address == null ? "client" : address;
  }
}
