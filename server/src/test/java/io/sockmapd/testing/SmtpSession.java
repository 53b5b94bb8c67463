package io.sockmapd.testing;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A minimal SMTP client: one command, one (last) reply line. */
public final class SmtpSession implements AutoCloseable {
  private final Socket socket = new Socket();
  private final BufferedReader in;
  private final OutputStream out;

  public SmtpSession(int port) throws IOException {
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
    socket.setSoTimeout(30_000);
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), US_ASCII));
    out = socket.getOutputStream();
    assertThat(reply()).startsWith("220");
  }

  /** EHLO, then XCLIENT so that smtpd (and the policy) see {@code address} as the client. */
  public void client(String address) throws IOException {
    assertThat(command("EHLO client.example")).startsWith("250");
    assertThat(command("XCLIENT ADDR=" + address + " NAME=[UNAVAILABLE]")).startsWith("220");
    assertThat(command("EHLO client.example")).startsWith("250");
  }

  public String command(String line) throws IOException {
    out.write((line + "\r\n").getBytes(US_ASCII));
    out.flush();
    return reply();
  }

  private String reply() throws IOException {
    String line;
    do {
      line = in.readLine();
      if (line == null) {
        throw new IOException("smtpd closed the connection");
      }
    } while (line.length() > 3 && line.charAt(3) == '-');
    return line;
  }

  @Override
  public void close() throws IOException {
    try {
      command("QUIT");
    } finally {
      socket.close();
    }
  }
}
