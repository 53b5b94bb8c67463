package io.sockmapd.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A blocking SMTPD policy delegation client for tests: writes attribute lists as Postfix does and
 * reads the replies, on one connection reused for many requests.
 */
public final class PolicyClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public PolicyClient(SocketAddress address) throws IOException {
    this(address, Duration.ofSeconds(20));
  }

  /** Connects (within 5 s); a read that waits longer than {@code patience} fails. */
  public PolicyClient(SocketAddress address, Duration patience) throws IOException {
    socket = new Socket();
    socket.connect(address, 5_000);
    socket.setSoTimeout((int) patience.toMillis());
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** A request as Postfix's smtpd writes it, with the attributes given (others left out). */
  public static String request(Map<String, String> attributes) {
    StringBuilder request = new StringBuilder("request=smtpd_access_policy\nprotocol_state=RCPT\n");
    attributes.forEach(
        (name, value) -> request.append(name).append('=').append(value).append('\n'));
    return request.append('\n').toString();
  }

  /** Sends one request and returns the value of its reply's {@code action}. */
  public String ask(Map<String, String> attributes) throws IOException {
    send(request(attributes));
    String reply = readReply();
    if (reply == null) {
      throw new IOException("the server closed the connection without a reply");
    }
    return reply;
  }

  /** Writes raw text. */
  public void send(String text) throws IOException {
    out.write(text.getBytes(UTF_8));
    out.flush();
  }

  /**
   * Reads one reply ({@code action=...} lines up to an empty line) and returns its action, or null
   * when the server closed the connection before any byte of it.
   */
  public @Nullable String readReply() throws IOException {
    String action = null;
    boolean any = false;
    while (true) {
      String line = readLine();
      if (line == null) {
        if (any) {
          throw new IOException("the connection ended inside a reply");
        }
        return null;
      }
      any = true;
      if (line.isEmpty()) {
        if (action == null) {
          throw new IOException("a reply without action");
        }
        return action;
      }
      if (line.startsWith("action=")) {
        action = line.substring("action=".length());
      }
    }
  }

  private @Nullable String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        if (line.size() > 0) {
          throw new IOException("the connection ended inside a line");
        }
        return null;
      }
      line.write(b);
    }
    return line.toString(UTF_8);
  }

  /** Tells whether the server has closed the connection (reads until end of stream). */
  public boolean closedByServer() throws IOException {
    return in.read() < 0;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
