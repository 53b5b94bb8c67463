package io.sockmapd.soak;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pipelines requests as fast as the server takes them and never reads a reply: the replies pile up
 * wherever the server keeps them. Each connection asks for one key over and over ({@code map key}),
 * e.g. a cached one (cheap, many replies) or one with a large reply.
 */
final class NonReadingClient extends SoakClient {
  private final int connections;
  private final byte[] requestBlock;
  private final AtomicLong bytesSent = new AtomicLong();
  private final int requestsPerBlock;

  NonReadingClient(String kind, InetSocketAddress daemon, int connections, String map, String key) {
    super(kind, daemon, 1);
    this.connections = connections;
    this.requestsPerBlock = 256;
    this.requestBlock = Netstrings.requests(map, Collections.nCopies(requestsPerBlock, key));
  }

  @Override
  protected void session(int worker) throws IOException {
    List<SocketChannel> channels = new ArrayList<>();
    List<ByteBuffer> pending = new ArrayList<>();
    try {
      for (int i = 0; i < connections; i++) {
        SocketChannel channel = track(SocketChannel.open(daemon));
        channel.configureBlocking(false);
        channels.add(channel);
        pending.add(ByteBuffer.wrap(requestBlock));
      }
      while (!stopping()) {
        boolean progress = false;
        for (int i = 0; i < channels.size(); i++) {
          ByteBuffer out = pending.get(i);
          int written = channels.get(i).write(out); // a server close shows up as an IOException
          bytesSent.addAndGet(written);
          progress |= written > 0;
          if (!out.hasRemaining()) {
            requests.addAndGet(requestsPerBlock);
            out.rewind();
          }
        }
        if (!progress) {
          pause(Duration.ofMillis(20)); // every buffer is full: the server has stopped reading
        }
      }
    } finally {
      channels.forEach(this::untrack);
    }
  }

  @Override
  protected String details() {
    return ", " + bytesSent.get() / 1024 + " kB sent, never read";
  }
}
