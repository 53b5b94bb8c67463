package io.sockmapd.examples.embedded;

import io.sockmapd.embed.MapServer;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.net.ServerStartException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A program serving two maps of its own to Postfix through sockmapd's embedding API:
 *
 * <ul>
 *   <li>{@code domains}: {@code OK} for the domains it knows, answered at once;
 *   <li>{@code aliases}: a slow source (here a map with a pause, standing in for a remote call)
 *       asked on a thread of its own, since a map must never block the server's I/O threads.
 * </ul>
 *
 * <p>Run it from the repository root after {@code mvn -B -q package -DskipTests}:
 *
 * <pre>
 * java -cp server/target/sockmapd.jar examples/embedded/DomainsExample.java inet:127.0.0.1:8733
 * postmap -q example.com socketmap:inet:127.0.0.1:8733:domains        # OK
 * postmap -q info@example.com socketmap:inet:127.0.0.1:8733:aliases   # alice@example.net
 * </pre>
 *
 * <p>The build compiles this file with the server's tests, and {@code DomainsExampleTest} asks it
 * with {@code postmap}.
 */
public final class DomainsExample {
  private static final Set<String> DOMAINS = Set.of("example.com", "example.org");
  private static final Map<String, String> ALIASES =
      Map.of("info@example.com", "alice@example.net", "abuse@example.com", "bob@example.net");

  private DomainsExample() {}

  /** Starts serving both maps on {@code listen}; close the server to stop. */
  public static MapServer start(String listen, ExecutorService slowWork)
      throws ServerStartException {
    return MapServer.builder()
        .listen(listen)
        .map(
            "domains",
            key ->
                CompletableFuture.completedFuture(
                    DOMAINS.contains(key.toLowerCase(Locale.ROOT))
                        ? LookupResult.found("OK")
                        : LookupResult.notFound()))
        .map("aliases", key -> slowAlias(key, slowWork))
        .start();
  }

  private static CompletionStage<LookupResult> slowAlias(String key, ExecutorService slowWork) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            Thread.sleep(20); // the remote call
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return LookupResult.temp("interrupted");
          }
          String value = ALIASES.get(key.toLowerCase(Locale.ROOT));
          return value == null ? LookupResult.notFound() : LookupResult.found(value);
        },
        slowWork);
  }

  public static void main(String[] args) throws ServerStartException {
    ExecutorService slowWork = Executors.newFixedThreadPool(4);
    MapServer server = start(args.length > 0 ? args[0] : "inet:127.0.0.1:8733", slowWork);
    server
        .listeners()
        .forEach(l -> System.out.println("serving domains and aliases on " + l.endpoint()));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  slowWork.shutdown();
                }));
    // The server's threads keep the JVM running until it is stopped (Ctrl-C, SIGTERM).
  }
}
