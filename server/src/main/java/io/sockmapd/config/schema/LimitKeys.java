package io.sockmapd.config.schema;

import java.time.Duration;

/** The keys of {@code limits}: server-wide limits, each checked before memory is committed. */
public final class LimitKeys {
  public static final Section SECTION = new Section("limits");

  public static final WholeNumberKey MAX_REQUEST_SIZE =
      SECTION.wholeNumber(
          "max_request_size",
          100_000,
          16,
          100_000_000,
          "Maximum netstring payload, in bytes. The declared length is checked before any payload"
              + " is buffered. A longer request closes the connection without a reply.");
  public static final WholeNumberKey MAX_REPLY_SIZE =
      SECTION.wholeNumber(
          "max_reply_size",
          100_000,
          32,
          100_000_000,
          "Maximum reply payload (Postfix's own limit). A longer reply is replaced by `TEMP reply"
              + " too large` and logged at WARN with its map and size (throttled).");
  public static final WholeNumberKey MAX_CONNECTIONS =
      SECTION.wholeNumber(
          "max_connections",
          10_000,
          1,
          1_000_000,
          "Further connections are closed as soon as they are accepted. A WARN line is logged at"
              + " most once per 10 s, with a count.");
  public static final WholeNumberKey MAX_CONNECTIONS_PER_CLIENT =
      SECTION.wholeNumber(
          "max_connections_per_client",
          0,
          0,
          1_000_000,
          "`0` (no limit)",
          "Connections one client (one IP address) may hold at once, so that no client can take"
              + " all of `max_connections`. Its next connection is closed as soon as it is"
              + " accepted, counted, and logged at most once per 10 s with a count; other clients"
              + " are not affected, and a closed connection frees its slot at once. Peers of unix"
              + " sockets are not counted: they are all one client, the local processes the file"
              + " mode lets in (usually all of Postfix). Off by default because a Postfix host"
              + " holds one connection per process and endpoint, so any fixed default would either"
              + " cut off a large Postfix or protect nothing; set it above the largest number of"
              + " Postfix processes (`default_process_limit` and the per-service limits) of one"
              + " client host.");
  public static final WholeNumberKey MAX_PENDING_REQUESTS =
      SECTION.wholeNumber(
          "max_pending_requests",
          32,
          1,
          100_000,
          "Maximum lookups running at once per connection. While that many requests are"
              + " outstanding, the server stops reading from the connection. Nothing is dropped: a"
              + " client that pipelines 1000 requests gets 1000 replies, in order. Also the"
              + " smallest fair share of `max_in_flight_per_client`.");
  public static final DurationKey IDLE_TIMEOUT =
      SECTION.duration(
          "idle_timeout",
          Duration.ofMinutes(10),
          Duration.ofSeconds(1),
          Duration.ofDays(7),
          "A connection with no traffic for this long, and with no lookup in flight, is closed"
              + " (logged at DEBUG). The default is generous because Sendmail does not retry after"
              + " a server-side close. Postfix closes its own idle connections after 10 s.");
  public static final WholeNumberKey MAX_BUFFERED_BYTES =
      SECTION.wholeNumber(
          "max_buffered_bytes",
          0,
          100_000,
          Integer.MAX_VALUE,
          "a quarter of the smaller of the JVM's heap and direct-memory limits (16 MB with"
              + " `-Xmx64m`; at least 1 MB)",
          "Bytes that all connections together may make the daemon hold: requests that have"
              + " arrived only in part, requests read but not started yet (their client is not"
              + " reading its replies, or is at its `max_in_flight_per_client`), and replies queued"
              + " for a client that has not read them yet. The length a request declares is"
              + " reserved as soon as its length prefix arrives, before its payload is buffered. A"
              + " reply is reserved before it is queued, and released once it is on the wire. A"
              + " reservation over the limit closes the connection that holds the most, counting"
              + " the new reservation. On a tie, the connection asking is closed. A client with one"
              + " small request is not closed while larger holders exist. A WARN line is logged at"
              + " most once per 10 s, with the number of connections closed so far. The connection"
              + " itself gets no reply; its MTA sees a temporary failure.");
  public static final WholeNumberKey MAX_IN_FLIGHT_PER_CLIENT =
      SECTION.wholeNumber(
          "max_in_flight_per_client",
          0,
          0,
          1_000_000,
          "`0` (fair share)",
          "Maximum lookups one client may have running at once, over all its connections. A"
              + " client is one IP address. All peers of the unix sockets count as one client: they"
              + " are local processes that the socket's file mode lets in, usually all of Postfix."
              + " While a client is at its limit, its connections start no more lookups and stop"
              + " reading. Nothing is refused: the client just waits. `0` means a fair share: `C /"
              + " (clients with lookups running + 1)`, but never less than `max_pending_requests`"
              + " (or `C / 2` when that is smaller). `C` is the smallest `max_in_flight` of the"
              + " databases (1000 by default). The `+ 1` keeps room for a newcomer's first lookups."
              + " A lone client may therefore use half of `C`, and one client on many pipelining"
              + " connections cannot push a database to `max_in_flight`, where other clients would"
              + " get `TEMP too many lookups in flight`. A number sets a fixed limit per client"
              + " instead.");

  private LimitKeys() {}
}
