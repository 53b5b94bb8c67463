package io.sockmapd.net;

import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
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

/**
 * A small blocking socketmap client with a time limit on every read, over TCP or a unix socket.
 * {@code sockmapd flush} uses it to talk to the control socket; tests use it to talk to the server
 * byte by byte. Not thread-safe.
 */
public final class BlockingSocketmapClient implements AutoCloseable {
  private static final int MAX_REPLY = 10_000_000;

  private final SocketChannel channel;
  private final Selector selector;
  private final SelectionKey key;
  private final long timeoutMillis;
  private final ByteBuffer in = ByteBuffer.allocate(64 * 1024).flip();

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
    SocketChannel channel =
        address instanceof UnixDomainSocketAddress
            ? SocketChannel.open(StandardProtocolFamily.UNIX)
            : SocketChannel.open();
    try {
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

  /** Reads one reply and splits it into status word and text. */
  public SocketmapResponse readReply() throws IOException {
    String payload = new String(readPayload(), StandardCharsets.UTF_8);
    int space = payload.indexOf(' ');
    String word = space < 0 ? payload : payload.substring(0, space);
    String text = space < 0 ? "" : payload.substring(space + 1);
    try {
      return new SocketmapResponse(SocketmapStatus.valueOf(word), text);
    } catch (IllegalArgumentException e) {
      throw new IOException("unknown status in reply: " + payload, e);
    }
  }

  /**
   * Reads one netstring and returns its payload bytes.
   *
   * @throws EOFException if the server closed the connection
   * @throws SocketTimeoutException if nothing came in time
   */
  public byte[] readPayload() throws IOException {
    int length = 0;
    int digits = 0;
    while (true) {
      byte b = readByte();
      if (b == ':' && digits > 0) {
        break;
      }
      if (b < '0' || b > '9' || ++digits > 9) {
        throw new IOException("bad netstring length in reply");
      }
      length = length * 10 + (b - '0');
    }
    if (length > MAX_REPLY) {
      throw new IOException("reply too long: " + length);
    }
    ByteArrayOutputStream payload = new ByteArrayOutputStream(length);
    for (int i = 0; i < length; i++) {
      payload.write(readByte());
    }
    if (readByte() != ',') {
      throw new IOException("missing ',' after reply");
    }
    return payload.toByteArray();
  }

  /**
   * Waits for the server to close the connection. Returns true on end of input, false if bytes
   * arrived instead, and throws {@link SocketTimeoutException} if neither happens in time.
   */
  public boolean awaitClosedByServer() throws IOException {
    try {
      readByte();
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

  private byte readByte() throws IOException {
    if (!in.hasRemaining()) {
      fill();
    }
    return in.get();
  }

  private void fill() throws IOException {
    in.clear();
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    try {
      while (true) {
        int n = channel.read(in);
        if (n < 0) {
          throw new EOFException("connection closed by the server");
        }
        if (n > 0) {
          return;
        }
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          throw new SocketTimeoutException("no reply within " + timeoutMillis + " ms");
        }
        selector.select(left);
        selector.selectedKeys().clear();
      }
    } finally {
      in.flip();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      selector.close();
    } finally {
      channel.close();
    }
  }
}
