package io.sockmapd.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.testing.LogLevels;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sockmapd check} on postfix-rest-connector files: what it says it understood (a policy
 * endpoint too), and a target that does not answer.
 */
class RestConnectorCheckTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int check(String json) throws Exception {
    Path config = dir.resolve("rest.json");
    Files.writeString(config, json);
    LogLevels levels = LogLevels.keep();
    try {
      return Main.execute(
          new String[] {"check", "--config", config.toString()},
          Backends.DEFAULT,
          new PrintStream(out, true, UTF_8),
          new PrintStream(err, true, UTF_8));
    } finally {
      levels.close();
    }
  }

  private static String endpoint(String name, String mode, String target, int port) {
    return """
        {"name": "%s", "mode": "%s", "target": "%s", "bind-address": "127.0.0.1",
         "bind-port": %d, "auth-token": "s3cret", "request-timeout": 1500}
        """
        .formatted(name, mode, target, port);
  }

  @Test
  void listsTheListenersAndRequestsItUnderstood() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer app =
          vertx
              .createHttpServer()
              .requestHandler(r -> r.response().setStatusCode(404).end())
              .listen(0, "127.0.0.1")
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      String base = "http://127.0.0.1:" + app.actualPort();
      int exit =
          check(
              "{\"endpoints\": ["
                  + endpoint("domains", "tcp-lookup", base + "/domain", 19001)
                  + ","
                  + endpoint("aliases", "socketmap-lookup", base + "/aliases", 19002)
                  + ","
                  + endpoint("policy-check", "policy", base + "/policy", 19003)
                  + "]}");

      assertThat(exit).as(err.toString(UTF_8)).isZero();
      assertThat(out.toString(UTF_8))
          .isEqualTo(
              "config OK: 2 maps, 3 databases, 3 listeners, 1 policy\n"
                  + "listener inet:127.0.0.1:19001 tcp_table map domains\n"
                  + "listener inet:127.0.0.1:19002 socketmap, every name to map aliases\n"
                  + "listener inet:127.0.0.1:19003 policy policy-check\n"
                  + "map domains: GET "
                  + base
                  + "/domain?key=KEY, deadline 1.5 s, X-Auth-Token set\n"
                  + "map aliases: GET "
                  + base
                  + "/aliases?name=NAME&key=KEY (NAME: the map Postfix asks for), deadline 1.5 s,"
                  + " X-Auth-Token set\n"
                  + "policy policy-check rule 1: POST "
                  + base
                  + "/policy (the attributes as a form; the body is the action), deadline 1.5 s,"
                  + " X-Auth-Token set, on error 451 4.3.0 Service temporarily unavailable\n");
      assertThat(out.toString(UTF_8) + err.toString(UTF_8)).doesNotContain("s3cret");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void unknownKeysAndWrongTypesAreErrorsAsInPostfixRestConnector() throws Exception {
    int exit =
        check(
            "{\"user-agent\": 5, \"endpoints\": [{\"name\": \"d\", \"mode\": \"tcp-lookup\","
                + " \"target\": \"ftp://x\", \"bind-address\": \"127.0.0.1\", \"bind-port\": 0,"
                + " \"auth-token\": \"t\", \"colour\": \"blue\"}]}");

    assertThat(exit).isEqualTo(Main.CONFIG_ERROR);
    assertThat(err.toString(UTF_8))
        .contains("$['user-agent']: must be a string")
        .contains("$.endpoints[0]['colour']: unknown key")
        .contains("$.endpoints[0]['target']: must start with http:// or https://")
        .contains("$.endpoints[0]['bind-port']: must be a port number");
  }

  @Test
  void aTargetThatDoesNotAnswerFailsTheCheck() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    int exit =
        check(
            "{\"endpoints\": ["
                + endpoint("domains", "tcp-lookup", "http://127.0.0.1:" + closed + "/d", 19001)
                + "]}");

    assertThat(exit).isEqualTo(Main.FAILED);
    assertThat(err.toString(UTF_8))
        .contains("cannot use http://127.0.0.1:" + closed + "/d: connection refused");
  }
}
