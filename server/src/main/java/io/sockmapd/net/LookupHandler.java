package io.sockmapd.net;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;
import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.lookup.InternalErrors;
import io.sockmapd.lookup.LookupResult;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
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
 * client just waits). It also stops reading while the client's connections together have their
 * share of lookups in flight ({@link ClientShares}), and while the connection's outbound buffer is
 * over its high water mark (a client that sends but does not read), and resumes when that is over.
 * Each reply reserves its bytes from the daemon-wide {@link BufferBudget} until it is on the wire.
 *
 * <p>The same for every protocol a listener speaks: its {@link LookupProtocol} turns requests into
 * lookups and outcomes into replies.
 *
 * <p>When the client shuts down its sending side (half-close) the handler answers everything it has
 * read, then closes, as at shutdown. All state is touched on the event loop only, and nothing here
 * blocks.
 */
final class LookupHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LogManager.getLogger(LookupHandler.class);
  private static final SocketmapResponse MALFORMED = SocketmapResponse.perm("malformed request");

  /**
   * Sent down a pipeline at shutdown: after {@link #DRAIN_GRACE_MILLIS}, stop reading, answer what
   * is pending, then close.
   */
  static final Object DRAIN = new Object();

  /**
   * How long a draining connection still reads before it stops. A request the client sent just
   * before the drain may still be in the socket, unread; closing then would reset the connection
   * and lose it (seen under restarts with clients that connect and ask at once).
   */
  static final long DRAIN_GRACE_MILLIS = 100;

  /** One outstanding request; {@code response} is set once its lookup is done. */
  private static final class Slot {
    @Nullable SocketmapResponse response;
  }

  private final LookupProtocol protocol;
  private final RequestDispatcher dispatcher;
  private final ProtocolViolations violations;
  private final int maxPending;
  private final @Nullable SharedEventLoops sharedLoops;
  private final ClientShares.Client client;
  private final BufferBudget.Account buffers;
  private final OversizedReplies oversized;

  /** Whether this connection waits in {@link #client}'s queue for the client's share. */
  private boolean parked;

  /** Requests whose lookup has started, oldest first. */
  private final ArrayDeque<Slot> started = new ArrayDeque<>();

  /** Requests decoded from bytes already read but not started yet (over the limit). */
  private final ArrayDeque<Lookup> waiting = new ArrayDeque<>();

  /**
   * What {@link #waiting} holds on the heap, estimated, and how much of it is reserved from the
   * buffer budget: one read can bring thousands of small requests that cannot start yet (the client
   * is not reading its replies, or is over its share), and many such connections could fill the
   * heap.
   */
  private long waitingBytes;

  private long waitingReserved;

  /** After a framing error or at shutdown: read nothing more, close once all is answered. */
  private boolean closeWhenAnswered;

  /**
   * Set while {@link #progress} runs: a lookup that completes inside it (a cache hit) leaves the
   * rest to the running loop instead of recursing.
   */
  private boolean progressing;

  /** Set when {@link #progress} is called while it runs: the running call goes round again. */
  private boolean progressAgain;

  /** Set once the close after the last answer is under way: nothing more to do. */
  private boolean closing;

  LookupHandler(
      LookupProtocol protocol,
      RequestDispatcher dispatcher,
      ProtocolViolations violations,
      int maxPending,
      @Nullable SharedEventLoops sharedLoops,
      ClientShares.Client client,
      BufferBudget.Account buffers,
      OversizedReplies oversized) {
    this.protocol = protocol;
    this.dispatcher = dispatcher;
    this.violations = violations;
    this.maxPending = maxPending;
    this.sharedLoops = sharedLoops;
    this.client = client;
    this.buffers = buffers;
    this.oversized = oversized;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Lookup request = protocol.lookup(msg);
    if (request == null) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (!closeWhenAnswered && ctx.channel().isActive()) {
      waiting.add(request);
      waitingBytes += request.heapEstimate();
      progress(ctx);
    }
  }

  /** Starts one request; the caller has counted it with {@link ClientShares.Client#tryStart()}. */
  private void start(ChannelHandlerContext ctx, Lookup request) {
    Slot slot = new Slot();
    started.add(slot);
    Throwable malformed = request.malformed();
    if (malformed != null) {
      client.finished();
      violations.malformedRequest(ctx.channel(), malformed);
      slot.response = MALFORMED;
    } else {
      String mapName = request.name();
      EventLoop loop = ctx.channel().eventLoop();
      CompletionStage<LookupResult> lookup =
          sharedLoops == null
              ? request.start(dispatcher)
              : sharedLoops.callOn(loop, () -> request.start(dispatcher));
      lookup.whenComplete(
          (result, error) -> {
            // Counted done even when the connection has closed meanwhile: the lookup ran.
            client.finished();
            LookupResult outcome =
                error == null ? result : InternalErrors.answer(mapName, "lookup", error);
            // Already on this channel's loop (a cache hit, or a database callback on the shared
            // loops): answer directly; a hop through the task queue would only add latency.
            if (loop.inEventLoop()) {
              answer(ctx, slot, request, outcome);
            } else {
              loop.execute(() -> answer(ctx, slot, request, outcome));
            }
          });
    }
  }

  /** Fills a slot with its lookup's outcome; on the event loop. */
  private void answer(ChannelHandlerContext ctx, Slot slot, Lookup request, LookupResult outcome) {
    SocketmapResponse response = outcome.toResponse();
    // The encoder replaces a reply over the limit; say so here, where the map is known.
    boolean tooLarge = oversized.check(request.name(), protocol.replySize(response), protocol);
    if (LOG.isDebugEnabled()) {
      // The subject is built only here: it is a new string per request.
      Object sent = tooLarge ? OversizedReplies.REPLACEMENT : outcome.status();
      LOG.debug("{} {} {} -> {}", remote(ctx), request.name(), request.subject(), sent);
    }
    slot.response = response;
    progress(ctx);
  }

  /**
   * Writes the answered head of the queue, starts waiting requests while under the limit, and
   * pauses or resumes reading. Called on the event loop after every change.
   */
  private void progress(ChannelHandlerContext ctx) {
    if (progressing) {
      // The running call looks again before it returns: the change may come after its loop, as
      // the channel turning writable while its own flush drains the replies does.
      progressAgain = true;
      return;
    }
    progressing = true;
    try {
      do {
        progressAgain = false;
        writeAnswered(ctx);
      } while (progressAgain && !closing);
    } finally {
      progressing = false;
    }
  }

  private void writeAnswered(ChannelHandlerContext ctx) {
    boolean wrote = false;
    while (true) {
      Slot head = started.peek();
      if (head != null && head.response != null) {
        if (!write(ctx, head.response)) {
          return; // over the buffer budget and the largest holder: closed
        }
        started.poll();
        wrote = true;
      } else if (started.size() < maxPending
          && !waiting.isEmpty()
          // One read can bring thousands of small requests; their replies wait until the client
          // takes what is queued.
          && ctx.channel().isWritable()
          && mayStart(ctx)) {
        Lookup next = waiting.poll();
        waitingBytes -= next.heapEstimate();
        start(ctx, next);
      } else {
        break;
      }
    }
    if (!reserveWaiting()) {
      return; // over the buffer budget and the largest holder: closed
    }
    boolean answeredAll = started.isEmpty() && waiting.isEmpty();
    if (closeWhenAnswered && answeredAll) {
      closing = true;
      // The empty write completes after every reply before it is on the wire; a plain close
      // could drop replies still in the outbound buffer.
      var unused =
          ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (wrote) {
      ctx.flush();
    }
    boolean pause =
        closeWhenAnswered
            || started.size() + waiting.size() >= maxPending
            || !ctx.channel().isWritable();
    if (ctx.channel().config().isAutoRead() == pause) {
      ctx.channel().config().setAutoRead(!pause);
    }
  }

  /**
   * Writes one reply after reserving its bytes from the buffer budget until it is on the wire.
   * Returns false when the budget closed this connection instead.
   */
  private boolean write(ChannelHandlerContext ctx, SocketmapResponse response) {
    // What the encoder will allocate.
    long bytes = protocol.wireBytes(protocol.replySize(response));
    if (!buffers.tryReserve(bytes)) {
      return false;
    }
    var unused = ctx.write(protocol.reply(response)).addListener(f -> buffers.release(bytes));
    return true;
  }

  /** Brings the reservation for {@link #waiting} up or down to what it holds now. */
  private boolean reserveWaiting() {
    long more = waitingBytes - waitingReserved;
    if (more > 0 && !buffers.tryReserve(more)) {
      return false;
    }
    if (more < 0) {
      buffers.release(-more);
    }
    waitingReserved = waitingBytes;
    return true;
  }

  /**
   * Whether the client's share allows one more lookup; if not, parks this connection until one of
   * the client's lookups finishes.
   */
  private boolean mayStart(ChannelHandlerContext ctx) {
    if (client.tryStart()) {
      return true;
    }
    if (!parked) {
      parked = true;
      EventLoop loop = ctx.channel().eventLoop();
      client.park(
          () -> {
            try {
              loop.execute(() -> resume(ctx));
            } catch (RejectedExecutionException shuttingDown) {
              // The loop is gone, and the connection with it; the other parked ones still wake.
            }
          });
    }
    // A lookup may have finished between the refusal and the parking, without waking anyone.
    return client.tryStart();
  }

  private void resume(ChannelHandlerContext ctx) {
    parked = false;
    if (ctx.channel().isActive()) {
      progress(ctx);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // Writable again: read again, if nothing else holds reading back.
    progress(ctx);
    ctx.fireChannelWritabilityChanged();
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
      var unused =
          ctx.executor()
              .schedule(
                  () -> {
                    closeWhenAnswered = true;
                    if (ctx.channel().isActive()) {
                      progress(ctx);
                    }
                  },
                  DRAIN_GRACE_MILLIS,
                  TimeUnit.MILLISECONDS);
      return;
    }
    if (evt instanceof ChannelInputShutdownEvent) {
      // After a half-close the decoder has handed on every complete request (and reported a
      // partial one as a framing error): answer them all, then close.
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
    waitingBytes = 0; // the account gives back all it held when the channel closes
    ctx.fireChannelInactive();
  }

  private static Object remote(ChannelHandlerContext ctx) {
    Object address = ctx.channel().remoteAddress();
    return address == null ? "client" : address;
  }
}
