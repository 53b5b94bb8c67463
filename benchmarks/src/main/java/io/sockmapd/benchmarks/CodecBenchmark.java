package io.sockmapd.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sockmapd.codec.NetstringFrameDecoder;
import io.sockmapd.codec.SocketmapRequest;
import io.sockmapd.codec.SocketmapRequestDecoder;
import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.codec.SocketmapResponseEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The codec's cost per request as the server's pipeline runs it: one request netstring through
 * {@link NetstringFrameDecoder} and {@link SocketmapRequestDecoder}, and one OK reply through
 * {@link SocketmapResponseEncoder}, each on an {@link EmbeddedChannel} with pooled direct buffers
 * (so the figures include the small cost of the embedded pipeline itself).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar -f 1 -wi 2 -i 3
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {
  private static final int MAX_LENGTH = 100_000;

  private static EmbeddedChannel pooledChannel(ChannelHandler... handlers) {
    EmbeddedChannel channel = new EmbeddedChannel(handlers);
    channel.config().setAllocator(PooledByteBufAllocator.DEFAULT);
    return channel;
  }

  /** A request pipeline and one encoded request, {@code virtual <key>}. */
  @State(Scope.Thread)
  public static class Requests {
    /** Key length: a typical address, or a long (1 KB) key. */
    @Param({"short", "1k"})
    public String key;

    EmbeddedChannel channel;
    ByteBuf request;

    @Setup(Level.Trial)
    public void setUp() {
      channel = pooledChannel(new NetstringFrameDecoder(MAX_LENGTH), new SocketmapRequestDecoder());
      String lookupKey =
          key.equals("short") ? "postmaster@example.com" : "k".repeat(1024 - 12) + "@example.com";
      byte[] payload = ("virtual " + lookupKey).getBytes(StandardCharsets.UTF_8);
      request = PooledByteBufAllocator.DEFAULT.directBuffer(payload.length + 8);
      request.writeCharSequence(payload.length + ":", StandardCharsets.US_ASCII);
      request.writeBytes(payload).writeByte(',');
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      request.release();
      channel.finishAndReleaseAll();
    }
  }

  /** A reply pipeline and a typical OK reply. */
  @State(Scope.Thread)
  public static class Replies {
    EmbeddedChannel channel;
    final SocketmapResponse reply = SocketmapResponse.ok("admin@example.net");

    @Setup(Level.Trial)
    public void setUp() {
      channel = pooledChannel(new SocketmapResponseEncoder(MAX_LENGTH));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      channel.finishAndReleaseAll();
    }
  }

  /** Netstring framing and request parsing of one whole request. */
  @Benchmark
  public SocketmapRequest decodeRequest(Requests state) {
    state.channel.writeInbound(state.request.retainedDuplicate());
    return state.channel.readInbound();
  }

  /** Encoding of one OK reply into a pooled buffer. */
  @Benchmark
  public int encodeOkReply(Replies state) {
    state.channel.writeOutbound(state.reply);
    ByteBuf encoded = state.channel.readOutbound();
    int length = encoded.readableBytes();
    encoded.release();
    return length;
  }
}
