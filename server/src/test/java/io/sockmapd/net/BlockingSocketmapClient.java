package io.sockmapd.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.sockmapd.codec.NetstringFrameDecoder;
import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.codec.SocketmapResponseDecoder;
import io.sockmapd.config.Endpoint;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A blocking socketmap client for tests, with a time limit on every read, over TCP or a unix
 * socket: it sends whatever bytes a test asks for (half requests, garbage, half-closes) and reads
 * replies through the codec's own {@link NetstringFrameDecoder} and {@link
 * SocketmapResponseDecoder}, so there is one netstring parser. Not thread-safe.
 */
public final class BlockingSocketmapClient implements AutoCloseable {
  private static final int MAX_REPLY = 10_000_000;

  private final SocketChannel channel;
  private final Selector selector;
  private final SelectionKey key;
  private final long timeoutMillis;
  private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);

  /**
   * Buffers outside Netty's leak detection: the tests run it at the paranoid level, which records a
   * stack trace on every access of a tracked buffer, and the frame decoder reads lengths byte by
   * byte. In the soak test that cost starved the daemon it measures of CPU.
   */
  private static final ByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(false, true);

  /** Reply frames, parsed from what {@link #fill()} read. */
  private final EmbeddedChannel frames = untracked(new NetstringFrameDecoder(MAX_REPLY));

  /** Frame payloads to replies. */
  private final EmbeddedChannel replies = untracked(new SocketmapResponseDecoder());

  private static EmbeddedChannel untracked(ChannelHandler decoder) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.config().setAllocator(UNTRACKED);
    channel.pipeline().addLast(decoder);
    return channel;
  }

  private BlockingSocketmapClient(SocketChannel channel, Duration timeout) throws IOException {
    this.channel = channel;
    this.timeoutMillis = Math.max(1, timeout.toMillis());
    channel.configureBlocking(false);
    this.selector = Selector.open();
    this.key = channel.register(selector, SelectionKey.OP_READ);
  }

  /** Connects to a configured endpoint (an empty inet host means this machine). */
  public static BlockingSocketmapClient connect(Endpoint endpoint, Duration timeout)
      throws IOException {
    if (endpoint instanceof Endpoint.Unix unix) {
      return connect(UnixDomainSocketAddress.of(unix.path()), timeout);
    }
    Endpoint.Inet inet = (Endpoint.Inet) endpoint;
    String host = inet.host().isEmpty() ? "127.0.0.1" : inet.host();
    return connect(new InetSocketAddress(host, inet.port()), timeout);
  }

  /** Connects to an inet or unix-domain address. */
  public static BlockingSocketmapClient connect(SocketAddress address, Duration timeout)
      throws IOException {
    return connect(address, null, timeout);
  }

  /**
   * Connects to an inet address from the local address {@code from} (such as 127.0.0.2, to be
   * another client than 127.0.0.1), or from any address when it is null.
   */
  public static BlockingSocketmapClient connect(
      SocketAddress address, @Nullable InetAddress from, Duration timeout) throws IOException {
    SocketChannel channel =
        address instanceof UnixDomainSocketAddress
            ? SocketChannel.open(StandardProtocolFamily.UNIX)
            : SocketChannel.open();
    try {
      if (from != null) {
        channel.bind(new InetSocketAddress(from, 0));
      }
      channel.connect(address); // blocking; loopback or local socket, so it is quick
      return new BlockingSocketmapClient(channel, timeout);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Sends one request and reads its reply. */
  public SocketmapResponse query(String mapName, String key) throws IOException {
    writeRequest(mapName, key);
    return readReply();
  }

  /** Sends one request without waiting for the reply. */
  public void writeRequest(String mapName, String key) throws IOException {
    writeRaw(netstring((mapName + " " + key).getBytes(StandardCharsets.UTF_8)));
  }

  /** Frames a payload as a netstring. */
  public static byte[] netstring(byte[] payload) {
    byte[] prefix = (payload.length + ":").getBytes(StandardCharsets.US_ASCII);
    byte[] frame = new byte[prefix.length + payload.length + 1];
    System.arraycopy(prefix, 0, frame, 0, prefix.length);
    System.arraycopy(payload, 0, frame, prefix.length, payload.length);
    frame[frame.length - 1] = ',';
    return frame;
  }

  /** Sends bytes as they are. */
  public void writeRaw(byte[] bytes) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(bytes);
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (out.hasRemaining()) {
      if (channel.write(out) > 0) {
        continue;
      }
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new SocketTimeoutException("could not send within " + timeoutMillis + " ms");
      }
      key.interestOps(SelectionKey.OP_WRITE);
      try {
        selector.select(left);
        selector.selectedKeys().clear();
      } finally {
        key.interestOps(SelectionKey.OP_READ);
      }
    }
  }

  /** Shuts the sending side only, as {@code nc -N} does: the server reads end of input. */
  public void shutdownOutput() throws IOException {
    channel.shutdownOutput();
  }

  /** Reads one reply as the codec's client side decodes it. */
  public SocketmapResponse readReply() throws IOException {
    byte[] payload = readPayload();
    try {
      replies.writeInbound(Unpooled.wrappedBuffer(payload));
    } catch (DecoderException e) {
      throw new IOException("bad reply: " + new String(payload, StandardCharsets.UTF_8), e);
    }
    return replies.readInbound();
  }

  /**
   * Reads one netstring and returns its payload bytes.
   *
   * @throws EOFException if the server closed the connection
   * @throws SocketTimeoutException if nothing came in time
   */
  public byte[] readPayload() throws IOException {
    while (true) {
      ByteBuf frame = frames.readInbound();
      if (frame != null) {
        try {
          return ByteBufUtil.getBytes(frame);
        } finally {
          frame.release();
        }
      }
      fill();
    }
  }

  /**
   * Waits for the server to close the connection. Returns true on end of input, false if bytes
   * arrived instead, and throws {@link SocketTimeoutException} if neither happens in time.
   */
  public boolean awaitClosedByServer() throws IOException {
    if (!frames.inboundMessages().isEmpty()) {
      return false;
    }
    try {
      fill();
      return false;
    } catch (EOFException e) {
      return true;
    } catch (IOException e) {
      if (e instanceof SocketTimeoutException) {
        throw e;
      }
      return true; // reset by the server
    }
  }

  /** Reads what has arrived (waiting up to the timeout) and hands it to the frame decoder. */
  private void fill() throws IOException {
    in.clear();
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (true) {
      int n = channel.read(in);
      if (n < 0) {
        throw new EOFException("connection closed by the server");
      }
      if (n > 0) {
        break;
      }
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new SocketTimeoutException("no reply within " + timeoutMillis + " ms");
      }
      selector.select(left);
      selector.selectedKeys().clear();
    }
    in.flip();
    try {
      frames.writeInbound(UNTRACKED.heapBuffer(in.remaining()).writeBytes(in));
    } catch (DecoderException e) {
      throw new IOException("bad netstring in reply: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    frames.finishAndReleaseAll();
    replies.finishAndReleaseAll();
    try {
      selector.close();
    } finally {
      channel.close();
    }
  }
}
