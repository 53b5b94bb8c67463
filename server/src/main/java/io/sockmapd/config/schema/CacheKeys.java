package io.sockmapd.config.schema;

import java.time.Duration;

/** The keys of a map's {@code cache}. */
public final class CacheKeys {
  public static final Section SECTION = new Section("cache");

  private static final Duration MAX_DURATION = Duration.ofDays(365);

  public static final DurationKey TTL =
      SECTION.duration(
          "ttl",
          Duration.ofMinutes(1),
          Duration.ZERO,
          MAX_DURATION,
          "How long an `OK` answer is served from the cache. `0` caches no `OK` answers.");
  public static final DurationKey NEGATIVE_TTL =
      SECTION.duration(
          "negative_ttl",
          Duration.ofMinutes(1),
          Duration.ZERO,
          MAX_DURATION,
          "same as `ttl`",
          "How long a `NOTFOUND` answer is served from the cache. `0` caches no `NOTFOUND`"
              + " answers.");
  public static final WholeNumberKey MAX_ENTRIES =
      SECTION.wholeNumber(
          "max_entries",
          100_000,
          1,
          Integer.MAX_VALUE,
          "Upper bound on the number of cached keys; the least useful entries are evicted first.");
  public static final WholeNumberKey MAX_BYTES =
      SECTION.wholeNumber(
          "max_bytes",
          0,
          65_536,
          Integer.MAX_VALUE,
          "a share of the heap (below)",
          // Bounded by int: the weigher's per-entry floor (max_bytes / max_entries) is an int.
          "Upper bound on the memory the cached entries take, in bytes.");

  /**
   * Four times the longest address RFC 5321 allows (254): real addresses and domains fit with room
   * to spare, while a key of thousands of bytes is almost always a one-off that would only push
   * hundreds of useful entries out.
   */
  public static final WholeNumberKey MAX_KEY_LENGTH =
      SECTION.wholeNumber(
          "max_key_length",
          1024,
          1,
          100_000_000,
          "Keys longer than this many characters are never cached (below).");

  public static final DurationKey MAX_STALE =
      SECTION.duration(
          "max_stale",
          Duration.ZERO,
          Duration.ZERO,
          MAX_DURATION,
          "`0` (off)",
          "During a database outage, serve an expired answer that expired less than this long ago"
              + " (see below).");

  public static final FlagKey LISTEN =
      SECTION.flag(
          "listen",
          false,
          "Drop cached answers as soon as the database announces a change with `NOTIFY`"
              + " (PostgreSQL only; see [Keeping the cache true](#keeping-the-cache-true-listen-and-notify)).");

  /** What a channel is called when the file names none: the prefix and the map's name. */
  public static final String DEFAULT_CHANNEL_PREFIX = "sockmapd_";

  public static final TextKey CHANNEL =
      SECTION.text(
          "channel",
          "string, 1 to 63 bytes",
          "`sockmapd_` and the map name",
          "The channel `listen` listens on, exactly as `pg_notify()` names it (case and all).");

  private CacheKeys() {}
}
