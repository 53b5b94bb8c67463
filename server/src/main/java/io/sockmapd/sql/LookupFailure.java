package io.sockmapd.sql;

import io.sockmapd.lookup.LookupResult;

/**
 * A failure that already knows what the client is told: the lookup deadline passed ({@code
 * TIMEOUT}), too many lookups in flight, a database that could not be initialised ({@code TEMP}).
 * Executors fail their futures with it so {@link SqlErrorClassifier} needs no guessing.
 */
public final class LookupFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient LookupResult result;

  public LookupFailure(LookupResult result) {
    // No stack trace: these are expected outcomes, created often under load.
    super(result.status() + " " + result.text(), null, false, false);
    this.result = result;
  }

  /**
   * A failure with the driver's exception behind it, for {@code sockmapd check} to show what the
   * driver said (e.g. which certificate check failed); the client is told {@code result} only.
   */
  public LookupFailure(LookupResult result, Throwable cause) {
    super(result.status() + " " + result.text(), cause, false, false);
    this.result = result;
  }

  public static LookupFailure deadline() {
    return new LookupFailure(LookupResult.timeout("database did not answer in time"));
  }

  public static LookupFailure busy() {
    return new LookupFailure(LookupResult.busy());
  }

  public LookupResult result() {
    return result;
  }
}
