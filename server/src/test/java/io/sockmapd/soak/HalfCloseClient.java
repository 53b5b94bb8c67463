package io.sockmapd.soak;

import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.testing.KvTable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends a batch of lookups, then closes its sending side ({@code shutdownOutput}) and reads until
 * the server closes. A half-close is not a hang-up: every request sent must get its answer, and the
 * right one. So this client checks as well.
 */
final class HalfCloseClient extends SoakClient {
  private static final int BATCH = 40;

  /** Between batches: a client that is answered at once (wrongly) must not spin. */
  private static final Duration BETWEEN_BATCHES = Duration.ofMillis(20);

  /**
   * For the first reply byte. Each batch is a new connection, and the partial-frame client keeps
   * hundreds of connections arriving (the budget closes them, it reconnects): the kernel completes
   * this client's handshake and takes its bytes while the connection still waits in the listen
   * queue behind that flood, up to seconds on a 2-core machine. What this client checks is what
   * happens once it is accepted: from then on the usual patience applies.
   */
  private static final Duration ACCEPT_PATIENCE = Duration.ofSeconds(30);

  HalfCloseClient(InetSocketAddress daemon) {
    super("half-close", daemon, 1);
  }

  @Override
  boolean isChecker() {
    return true;
  }

  @Override
  protected void session(int worker) throws IOException {
    List<Integer> keys = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      keys.add(ThreadLocalRandom.current().nextInt(2 * KvTable.ROWS));
    }
    Socket socket = track(new Socket());
    try {
      socket.connect(daemon);
      socket.setSoTimeout((int) ACCEPT_PATIENCE.toMillis());
      socket
          .getOutputStream()
          .write(Netstrings.requests("kv", keys.stream().map(KvTable::key).toList()));
      requests.addAndGet(BATCH);
      socket.shutdownOutput();
      byte[] in;
      try {
        int first = socket.getInputStream().read();
        socket.setSoTimeout((int) WellBehavedClient.PATIENCE.toMillis());
        byte[] rest = first < 0 ? new byte[0] : socket.getInputStream().readAllBytes();
        in = new byte[first < 0 ? 0 : 1 + rest.length];
        if (first >= 0) {
          in[0] = (byte) first;
          System.arraycopy(rest, 0, in, 1, rest.length);
        }
      } catch (SocketTimeoutException e) {
        if (!stopping()) {
          wrong("no end of input within " + WellBehavedClient.PATIENCE + " after the half-close");
        }
        return;
      }
      List<SocketmapResponse> replies = Netstrings.replies(in);
      for (int i = 0; i < replies.size() && i < BATCH; i++) {
        if (replies.get(i).equals(KvTable.expectedReply(keys.get(i)))) {
          expected.incrementAndGet();
        } else {
          wrong(KvTable.key(keys.get(i)) + " -> " + replies.get(i));
        }
      }
      if (replies.size() != BATCH) {
        wrong(replies.size() + " replies to " + BATCH + " requests before the close");
      }
    } finally {
      untrack(socket);
      pause(BETWEEN_BATCHES);
    }
  }
}
