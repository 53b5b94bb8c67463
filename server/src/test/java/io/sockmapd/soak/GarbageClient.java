package io.sockmapd.soak;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connections that break the protocol, each with the answer the server defines for it, one {@link
 * Turn} after the other on a new connection each:
 *
 * <ul>
 *   <li>{@link #closesWithoutReply}: the server must close without a reply (socketmap: a declared
 *       length over {@code max_request_size}, bytes that are no netstring; policy: a line without
 *       {@code '='}, too many attributes, a line over its limit);
 *   <li>{@link #answers}: exactly the given reply, on a connection that stays open (tcp_table: an
 *       unknown command or a line over the limit is answered {@code 400}, and a lookup sent after
 *       it is answered too); a line that grows past its limit is held until then, so it may instead
 *       be closed without a reply when the buffer budget is spent and it holds the most;
 *   <li>{@link #hangsUpMidReply}: a hang-up (with a reset) in the middle of large replies, which
 *       must simply not hurt the server.
 * </ul>
 */
final class GarbageClient extends SoakClient {
  /**
   * For the server's close or reply. Each turn is a new connection, which may wait in the listen
   * queue behind the partial-frame clients' reconnections (see {@link HalfCloseClient}), up to
   * seconds on a busy 2-core machine.
   */
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  /** Between turns: a turn the server answers at once must not make this a connection flood. */
  private static final Duration BETWEEN_TURNS = Duration.ofMillis(250);

  /** Bytes written at a time, so a close by the server shows up while sending. */
  private static final int CHUNK = 8192;

  /** One attempt, on a connection of its own. */
  @FunctionalInterface
  interface Turn {
    void play(GarbageClient client, Socket socket) throws IOException;
  }

  private final List<Turn> turns;
  private final AtomicLong evicted = new AtomicLong();
  private int turn;

  GarbageClient(String kind, InetSocketAddress daemon, List<Turn> turns) {
    super(kind, daemon, 1);
    this.turns = List.copyOf(turns);
  }

  @Override
  protected void session(int worker) throws IOException {
    requests.incrementAndGet();
    Socket socket = track(new Socket());
    try {
      socket.connect(daemon);
      socket.setSoTimeout((int) PATIENCE.toMillis());
      turns.get(turn++ % turns.size()).play(this, socket);
    } finally {
      untrack(socket);
      pause(BETWEEN_TURNS);
    }
  }

  /** Sends {@code bytes}; the server must close the connection without a byte of reply. */
  static Turn closesWithoutReply(String what, String bytes) {
    byte[] raw = bytes.getBytes(StandardCharsets.UTF_8);
    return (client, socket) -> {
      if (!client.send(socket, raw)) {
        client.expected.incrementAndGet(); // reset while sending: closed, and nothing came
        return;
      }
      int first;
      try {
        first = socket.getInputStream().read();
      } catch (SocketTimeoutException e) {
        client.wrong(what + ": still open after " + PATIENCE);
        return;
      } catch (IOException e) {
        first = -1; // reset by the server
      }
      if (first < 0) {
        client.expected.incrementAndGet();
      } else {
        client.wrong(what + ": a reply instead of a close");
      }
    };
  }

  /**
   * Sends {@code bytes}; exactly {@code reply} must come back, and the connection then stays open.
   * If {@code mayBeEvicted}, a close without a reply is allowed too (counted apart): the request
   * held a line's worth of the buffer budget while the stalled clients spent it.
   */
  static Turn answers(String what, String bytes, String reply, boolean mayBeEvicted) {
    byte[] raw = bytes.getBytes(StandardCharsets.UTF_8);
    byte[] expected = reply.getBytes(StandardCharsets.UTF_8);
    return (client, socket) -> {
      byte[] got;
      boolean sent = client.send(socket, raw);
      try {
        got = sent ? socket.getInputStream().readNBytes(expected.length) : new byte[0];
      } catch (SocketTimeoutException e) {
        client.wrong(what + ": no whole reply within " + PATIENCE);
        return;
      } catch (IOException e) {
        got = new byte[0]; // reset by the server
      }
      if (Arrays.equals(got, expected)) {
        client.expected.incrementAndGet();
      } else if (got.length == 0 && mayBeEvicted) {
        client.evicted.incrementAndGet();
      } else {
        client.wrong(
            what + ": " + new String(got, StandardCharsets.UTF_8) + " instead of " + reply.trim());
      }
    };
  }

  /**
   * Sends {@code requests}, reads the first 1,000 bytes of their replies, and hangs up with a
   * reset, with replies still on their way.
   */
  static Turn hangsUpMidReply(byte[] requests) {
    byte[] raw = requests.clone();
    return (client, socket) -> {
      socket.getOutputStream().write(raw);
      InputStream in = socket.getInputStream();
      in.readNBytes(1000); // the first reply has started to arrive
      socket.setSoLinger(true, 0); // close with a reset, with replies still on their way
      client.expected.incrementAndGet();
    };
  }

  /** Writes {@code bytes}; false if the server closed the connection (a reset) meanwhile. */
  private boolean send(Socket socket, byte[] bytes) throws IOException {
    try {
      for (int at = 0; at < bytes.length; at += CHUNK) {
        socket.getOutputStream().write(bytes, at, Math.min(CHUNK, bytes.length - at));
      }
      return true;
    } catch (IOException e) {
      if (stopping()) {
        throw e;
      }
      return false;
    }
  }

  @Override
  protected String details() {
    return evicted.get() == 0 ? "" : ", " + evicted.get() + " closed for the buffer budget";
  }
}
