/**
 * sockmapd as a library: serve a Java program's own maps to Postfix and Sendmail with a few lines.
 *
 * <pre>{@code
 * MapServer server =
 *     MapServer.builder()
 *         .listen("inet:127.0.0.1:8732")
 *         .map("upper", key -> CompletableFuture.completedFuture(
 *             LookupResult.found(key.toUpperCase(Locale.ROOT))))
 *         .start();
 * // postmap -q hello socketmap:inet:127.0.0.1:8732:upper   prints HELLO
 * server.close();
 * }</pre>
 *
 * <p>{@link io.sockmapd.embed.MapServer} runs the daemon's own pipeline (framing, limits,
 * per-client fairness, pipelining, graceful shutdown); the daemon is one user of it. A map is a
 * {@link io.sockmapd.lookup.MapLookup}: a function from the key to a {@code CompletionStage} of a
 * {@link io.sockmapd.lookup.LookupResult}. See {@code docs/architecture.md} (Embedding) and {@code
 * examples/embedded/}.
 */
package io.sockmapd.embed;
