package io.sockmapd.soak;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.sockmapd.codec.HexQuote;
import io.sockmapd.net.BlockingSocketmapClient;
import io.sockmapd.testing.KvTable;
import io.sockmapd.testing.PolicyClient;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the soak's clients speak to one of the daemon's listeners, for a lookup of a {@link KvTable}
 * key: socketmap on one map, Postfix's tcp_table (the listener's map), or SMTPD policy delegation
 * (the key as {@code sender}, a rule answering {@code REJECT value-N} for the keys in the table).
 */
abstract class SoakProtocol {
  /** The attribute of a policy request that carries the key. */
  static final String POLICY_KEY_ATTRIBUTE = "sender";

  /** A connection asking one key at a time. */
  interface Conversation extends AutoCloseable {
    /**
     * Sends a lookup of {@code key} and returns its reply as {@link #expected} gives it; a reply
     * that does not come within the patience throws {@link java.net.SocketTimeoutException}.
     */
    Object ask(String key) throws IOException;

    @Override
    void close() throws IOException;
  }

  /** One lookup of {@code key} as bytes on the wire, for clients that pipeline them. */
  abstract byte[] request(String key);

  /** Connects; every reply must come within {@code patience}. */
  abstract Conversation open(InetSocketAddress daemon, Duration patience) throws IOException;

  /** What {@link Conversation#ask} must return for {@link KvTable#key key(n)}. */
  abstract Object expected(int n);

  /** Socketmap lookups on {@code map}: replies as {@link KvTable#expectedReply}. */
  static SoakProtocol socketmap(String map) {
    return new SoakProtocol() {
      @Override
      byte[] request(String key) {
        return Netstrings.requests(map, List.of(key));
      }

      @Override
      Conversation open(InetSocketAddress daemon, Duration patience) throws IOException {
        BlockingSocketmapClient client = BlockingSocketmapClient.connect(daemon, patience);
        return new Conversation() {
          @Override
          public Object ask(String key) throws IOException {
            return client.query(map, key);
          }

          @Override
          public void close() throws IOException {
            client.close();
          }
        };
      }

      @Override
      Object expected(int n) {
        return KvTable.expectedReply(n);
      }
    };
  }

  /**
   * tcp_table lookups on a listener serving the {@code kv} table: a reply is its line without the
   * newline, exactly as Postfix's client would read it, value and reason %XX-quoted.
   */
  static SoakProtocol tcpTable() {
    return new SoakProtocol() {
      @Override
      byte[] request(String key) {
        return ("get " + HexQuote.quote(key) + "\n").getBytes(UTF_8);
      }

      @Override
      Conversation open(InetSocketAddress daemon, Duration patience) throws IOException {
        Socket socket = new Socket();
        try {
          socket.connect(daemon, (int) patience.toMillis());
          socket.setSoTimeout((int) patience.toMillis());
        } catch (IOException e) {
          socket.close();
          throw e;
        }
        return new Conversation() {
          @Override
          public Object ask(String key) throws IOException {
            socket.getOutputStream().write(request(key));
            return readLine(socket.getInputStream());
          }

          @Override
          public void close() throws IOException {
            socket.close();
          }
        };
      }

      @Override
      Object expected(int n) {
        return n < KvTable.ROWS
            ? "200 " + HexQuote.quote("value-" + n)
            : "500 " + HexQuote.quote("not found");
      }
    };
  }

  /**
   * Policy requests with the key as {@code sender}, to a policy whose rule answers {@code REJECT
   * value-N} for the keys in the table; the others fall through to {@code DUNNO}. A reply is its
   * action.
   */
  static SoakProtocol policy() {
    return new SoakProtocol() {
      @Override
      byte[] request(String key) {
        return PolicyClient.request(Map.of(POLICY_KEY_ATTRIBUTE, key)).getBytes(UTF_8);
      }

      @Override
      Conversation open(InetSocketAddress daemon, Duration patience) throws IOException {
        PolicyClient client = new PolicyClient(daemon, patience);
        return new Conversation() {
          @Override
          public Object ask(String key) throws IOException {
            return client.ask(Map.of(POLICY_KEY_ATTRIBUTE, key));
          }

          @Override
          public void close() throws IOException {
            client.close();
          }
        };
      }

      @Override
      Object expected(int n) {
        return n < KvTable.ROWS ? "REJECT value-" + n : "DUNNO";
      }
    };
  }

  /** One line up to {@code '\n'}, without it; end of input before the newline throws. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        throw new EOFException("connection closed by the server after " + line.size() + " bytes");
      }
      line.write(b);
    }
    return line.toString(UTF_8);
  }
}
