package io.sockmapd.lookup;

import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.codec.SocketmapStatus;
import java.util.Objects;

/**
 * The outcome of one lookup. The status always comes from what happened (row found, no row, outage,
 * deadline, configuration error), never from database content: a value can't make the daemon answer
 * {@code TEMP} or {@code PERM}, and an outage can never look like a miss.
 *
 * @param status what happened
 * @param text the value for {@link SocketmapStatus#OK}, a short reason for the error statuses,
 *     empty for {@link SocketmapStatus#NOTFOUND}
 */
public record LookupResult(SocketmapStatus status, String text) {
  private static final LookupResult NOT_FOUND = new LookupResult(SocketmapStatus.NOTFOUND, "");
  private static final LookupResult BUSY =
      new LookupResult(SocketmapStatus.TEMP, "too many lookups in flight");

  public LookupResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(text, "text");
  }

  public static LookupResult found(String value) {
    return new LookupResult(SocketmapStatus.OK, value);
  }

  public static LookupResult notFound() {
    return NOT_FOUND;
  }

  public static LookupResult temp(String reason) {
    return new LookupResult(SocketmapStatus.TEMP, reason);
  }

  public static LookupResult timeout(String reason) {
    return new LookupResult(SocketmapStatus.TIMEOUT, reason);
  }

  public static LookupResult perm(String reason) {
    return new LookupResult(SocketmapStatus.PERM, reason);
  }

  /** The answer when a database has {@code max_in_flight} lookups running already. */
  public static LookupResult busy() {
    return BUSY;
  }

  /** True for the answer of {@link #busy()}: a lookup refused, not failed. */
  public boolean isBusy() {
    return equals(BUSY);
  }

  /** True for OK and NOTFOUND: answers that say something about the data and may be cached. */
  public boolean isDefinitive() {
    return status == SocketmapStatus.OK || status == SocketmapStatus.NOTFOUND;
  }

  /** The wire reply for this outcome. */
  public SocketmapResponse toResponse() {
    return switch (status) {
      case OK -> SocketmapResponse.ok(text);
      case NOTFOUND -> SocketmapResponse.notFound();
      case TEMP -> SocketmapResponse.temp(text);
      case TIMEOUT -> SocketmapResponse.timeout(text);
      case PERM -> SocketmapResponse.perm(text);
    };
  }
}
