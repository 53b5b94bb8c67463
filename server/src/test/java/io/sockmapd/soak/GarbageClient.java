package io.sockmapd.soak;

import io.sockmapd.net.BlockingSocketmapClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;

/**
 * Connections that break the protocol, in turn: a declared length over {@code max_request_size},
 * bytes that are no netstring, and a hang-up (with a reset) in the middle of large replies. The
 * first two must be closed by the server without a reply; the third must simply not hurt it.
 */
final class GarbageClient extends SoakClient {
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  private final String largeReplyMap;
  private final String largeReplyKey;
  private int turn;

  GarbageClient(InetSocketAddress daemon, String largeReplyMap, String largeReplyKey) {
    super("garbage", daemon, 1);
    this.largeReplyMap = largeReplyMap;
    this.largeReplyKey = largeReplyKey;
  }

  @Override
  protected void session(int worker) throws IOException {
    requests.incrementAndGet();
    switch (turn++ % 3) {
      case 0 -> expectCloseWithoutReply("oversized", "200000:kv " + "x".repeat(2000));
      case 1 -> expectCloseWithoutReply("not a netstring", "12x:kv key-1,");
      default -> hangUpMidReply();
    }
  }

  private void expectCloseWithoutReply(String what, String bytes) throws IOException {
    BlockingSocketmapClient client = track(BlockingSocketmapClient.connect(daemon, PATIENCE));
    try {
      client.writeRaw(bytes.getBytes(StandardCharsets.US_ASCII));
      boolean closed;
      try {
        closed = client.awaitClosedByServer();
      } catch (SocketTimeoutException e) {
        wrong(what + ": still open after " + PATIENCE);
        return;
      }
      if (closed) {
        expected.incrementAndGet();
      } else {
        wrong(what + ": a reply instead of a close");
      }
    } finally {
      untrack(client);
    }
  }

  private void hangUpMidReply() throws IOException {
    Socket socket = track(new Socket());
    try {
      socket.connect(daemon);
      socket.setSoTimeout((int) PATIENCE.toMillis());
      socket
          .getOutputStream()
          .write(Netstrings.requests(largeReplyMap, Collections.nCopies(20, largeReplyKey)));
      InputStream in = socket.getInputStream();
      in.readNBytes(1000); // the first reply has started to arrive
      socket.setSoLinger(true, 0); // close with a reset, with replies still on their way
      expected.incrementAndGet();
    } finally {
      untrack(socket);
    }
  }
}
