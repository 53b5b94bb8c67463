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
 * Many connections, each sending a frame that declares the largest allowed length ({@code 100000:})
 * and all but the last 20 bytes of it, then nothing more. The server holds whatever it buffers for
 * an incomplete frame. A connection the server closes is replaced, so the number of stalled frames
 * stays at {@code connections}.
 */
final class PartialFrameClient extends SoakClient {
  private static final int DECLARED = 100_000;
  private static final int SENT = DECLARED - 20;

  private final int connections;
  private final byte[] frameStart;
  private final AtomicLong closedByServer = new AtomicLong();

  PartialFrameClient(InetSocketAddress daemon, int connections) {
    super("partial-frame", daemon, 1);
    this.connections = connections;
    byte[] prefix = (DECLARED + ":kv ").getBytes(StandardCharsets.US_ASCII);
    frameStart = new byte[prefix.length + SENT - 3]; // "kv " is part of the payload
    Arrays.fill(frameStart, (byte) 'x');
    System.arraycopy(prefix, 0, frameStart, 0, prefix.length);
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
