package io.sockmapd.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tcp_table codecs against the real client: Postfix's {@code postmap -q KEY tcp:host:port}
 * talks over a real socket to a server built from {@link TcpTableRequestDecoder} and {@link
 * TcpTableResponseEncoder} that answers from a fixed table. Skipped without postmap, except under
 * {@code CI=true}.
 */
class TcpTablePostmapTest {

  private static final Path POSTMAP = Path.of("/usr/sbin/postmap");

  /** The key Postfix quotes most: space, '%', tab, non-ASCII and '+'. */
  private static final String ODD_KEY = "a b%c\tcafé+x@Example.com";

  private static final Map<String, String> TABLE =
      Map.of(
          "user@example.org",
          "smtp:[relay.example]",
          ODD_KEY,
          "value with spaces, 100% and é",
          "at-limit",
          "v".repeat(4091),
          "over-limit",
          "v".repeat(4092),
          "broken",
          "");

  private static final Queue<String> KEYS = new ConcurrentLinkedQueue<>();

  private static final AtomicInteger CONNECTIONS = new AtomicInteger();

  private static EventLoopGroup group;

  private static Channel server;

  @TempDir static Path config;

  /** Answers from {@link #TABLE}: "temp" fails, a missing key is not found. */
  private static final class TableHandler extends SimpleChannelInboundHandler<TcpTableRequest> {
    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
      CONNECTIONS.incrementAndGet();
      ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final TcpTableRequest request) {
      KEYS.add(request.key());
      final TcpTableResponse response;
      if (request.decoderResult().isFailure()) {
        response = TcpTableResponse.tempError(request.decoderResult().cause().getMessage());
      } else if (request.key().equals("temp")) {
        response = TcpTableResponse.tempError("database down");
      } else {
        final String value = TABLE.get(request.key());
        response = value == null ? TcpTableResponse.notFound() : TcpTableResponse.found(value);
      }
      var unused = ctx.writeAndFlush(response);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    final boolean ci = "true".equals(System.getenv("CI"));
    if (!Files.isExecutable(POSTMAP)) {
      assertThat(ci).as("CI=true requires postmap for the real-client tests").isFalse();
      Assumptions.abort("postmap is not installed");
    }
    Files.writeString(
        config.resolve("main.cf"), "compatibility_level = 3.6\nsmtputf8_enable = yes\n");
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(final Channel ch) {
                    ch.pipeline()
                        .addLast(
                            new TcpTableRequestDecoder(),
                            new TcpTableResponseEncoder(),
                            new TableHandler());
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (server != null) {
      server.close().sync();
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  private record Run(int exit, String stdout, String stderr) {}

  private static Run postmap(final String key, final String stdin) throws Exception {
    final int port = ((InetSocketAddress) server.localAddress()).getPort();
    final Process process =
        new ProcessBuilder(
                List.of(
                    POSTMAP.toString(),
                    "-c",
                    config.toString(),
                    "-q",
                    key,
                    "tcp:127.0.0.1:" + port))
            .start();
    process.getOutputStream().write(stdin.getBytes(UTF_8));
    process.getOutputStream().close();
    final String stdout = new String(process.getInputStream().readAllBytes(), UTF_8);
    final String stderr = new String(process.getErrorStream().readAllBytes(), UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), stdout, stderr);
  }

  private static Run query(final String key) throws Exception {
    KEYS.clear();
    return postmap(key, "");
  }

  @Test
  void answersAFoundKey() throws Exception {
    assertThat(query("user@example.org")).isEqualTo(new Run(0, "smtp:[relay.example]\n", ""));
  }

  @Test
  void keyAndValueSurviveQuotingBothWays() throws Exception {
    final Run run = query(ODD_KEY);
    assertThat(KEYS).containsExactly(ODD_KEY);
    assertThat(run).isEqualTo(new Run(0, "value with spaces, 100% and é\n", ""));
  }

  @Test
  void notFoundIsExitOneWithoutAWord() throws Exception {
    assertThat(query("nobody@example.org")).isEqualTo(new Run(1, "", ""));
  }

  @Test
  void emptyValueIsAnsweredAsNotFound() throws Exception {
    // "200 " would be an empty result: a warning from postmap, a configuration error in daemons.
    assertThat(query("broken")).isEqualTo(new Run(1, "", ""));
  }

  @Test
  void failureIsAnErrorNotANotFound() throws Exception {
    final Run run = query("temp");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.stderr()).contains("fatal: table tcp:127.0.0.1:");
  }

  @Test
  void replyOfExactlyTheLimitIsAccepted() throws Exception {
    assertThat(query("at-limit")).isEqualTo(new Run(0, "v".repeat(4091) + "\n", ""));
  }

  @Test
  void replyOverTheLimitBecomesATemporaryErrorAtOnce() throws Exception {
    // Not the ten reconnects (ten seconds) Postfix makes after a line over 4096 bytes.
    final long start = System.nanoTime();
    final Run run = query("over-limit");
    final long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.stderr()).contains("fatal: table tcp:127.0.0.1:").doesNotContain("longer than");
    assertThat(seconds).isLessThan(5);
  }

  @Test
  void batchUsesOneConnection() throws Exception {
    KEYS.clear();
    final int before = CONNECTIONS.get();
    final Run run = postmap("-", "user@example.org\nnobody\n" + ODD_KEY + "\n");
    assertThat(run)
        .isEqualTo(
            new Run(
                0,
                "user@example.org\tsmtp:[relay.example]\n"
                    + ODD_KEY
                    + "\tvalue with spaces, 100% and é\n",
                ""));
    assertThat(KEYS).containsExactly("user@example.org", "nobody", ODD_KEY);
    assertThat(CONNECTIONS.get() - before).isEqualTo(1);
  }
}
