package io.sockmapd.soak;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pipelines requests as fast as the server takes them and never reads a reply: the replies pile up
 * wherever the server keeps them. Each connection sends one request over and over, in any protocol,
 * e.g. a lookup of a cached key (cheap, many replies) or of one with a large reply.
 */
final class NonReadingClient extends SoakClient {
  private final int connections;
  private final byte[] requestBlock;
  private final AtomicLong bytesSent = new AtomicLong();
  private final int requestsPerBlock;

  NonReadingClient(String kind, InetSocketAddress daemon, int connections, byte[] request) {
    super(kind, daemon, 1);
    this.connections = connections;
    this.requestsPerBlock = 256;
    this.requestBlock = new byte[request.length * requestsPerBlock];
    for (int i = 0; i < requestsPerBlock; i++) {
      System.arraycopy(request, 0, requestBlock, i * request.length, request.length);
    }
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
