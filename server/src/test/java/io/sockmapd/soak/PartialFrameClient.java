package io.sockmapd.soak;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many connections, each sending the start of a request and then nothing more: a socketmap frame
 * that declares the largest allowed length ({@code 100000:}) and all but the last 20 bytes of it,
 * or a tcp_table or policy line just under its limit without its newline. The server holds whatever
 * it buffers for an incomplete request. A connection the server closes is replaced, so the number
 * of stalled requests stays at {@code connections}.
 */
final class PartialFrameClient extends SoakClient {
  /** The largest socketmap frame {@code max_request_size} allows by default. */
  private static final int DECLARED = 100_000;

  private final int connections;
  private final byte[] frameStart;
  private final AtomicLong closedByServer = new AtomicLong();

  /** Stalls {@code connections} connections each after {@code frameStart}. */
  PartialFrameClient(String kind, InetSocketAddress daemon, int connections, byte[] frameStart) {
    super(kind, daemon, 1);
    this.connections = connections;
    this.frameStart = frameStart.clone();
  }

  /** A socketmap frame declaring {@value #DECLARED} bytes, all but the last 20 of them sent. */
  static byte[] netstringStart() {
    String prefix = DECLARED + ":";
    return startOf(prefix + "kv ", prefix.length() + DECLARED - 20);
  }

  /** {@code prefix}, then {@code 'x'} up to {@code length} bytes in all. */
  static byte[] startOf(String prefix, int length) {
    byte[] start = new byte[length];
    Arrays.fill(start, (byte) 'x');
    byte[] head = prefix.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(head, 0, start, 0, head.length);
    return start;
  }

  @Override
  protected void session(int worker) throws IOException {
    List<SocketChannel> channels = new ArrayList<>();
    List<ByteBuffer> pending = new ArrayList<>();
    ByteBuffer probe = ByteBuffer.allocate(1);
    try {
      while (!stopping()) {
        while (channels.size() < connections && !stopping()) {
          SocketChannel channel = track(SocketChannel.open(daemon));
          channel.configureBlocking(false);
          channels.add(channel);
          pending.add(ByteBuffer.wrap(frameStart));
          requests.incrementAndGet();
        }
        for (int i = channels.size() - 1; i >= 0; i--) {
          SocketChannel channel = channels.get(i);
          boolean closed;
          try {
            channel.write(pending.get(i));
            probe.clear();
            closed = channel.read(probe) < 0; // nothing is ever due: any byte is unexpected
            if (probe.position() > 0) {
              wrong("a reply to an incomplete frame");
            }
          } catch (IOException e) {
            closed = true;
          }
          if (closed) {
            closedByServer.incrementAndGet();
            untrack(channel);
            channels.remove(i);
            pending.remove(i);
          } else if (!pending.get(i).hasRemaining() && pending.get(i).capacity() > 0) {
            expected.incrementAndGet(); // the whole partial frame is with the server
            pending.set(i, ByteBuffer.allocate(0));
          }
        }
        pause(Duration.ofMillis(50));
      }
    } finally {
      channels.forEach(this::untrack);
    }
  }

  @Override
  protected String details() {
    return ", " + connections + " stalled at once, " + closedByServer.get() + " closed by server";
  }
}
