package io.sockmapd.config;

/**
 * A password or similar value that must never reach a log line, an error reply or a {@code
 * toString()}. Read it with {@link #reveal()} only where it is handed to a driver.
 */
public final class Secret {
  private static final Secret NONE = new Secret("");

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  public static Secret of(String value) {
    return value.isEmpty() ? NONE : new Secret(value);
  }

  public static Secret none() {
    return NONE;
  }

  public String reveal() {
    return value;
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  @Override
  public String toString() {
    return value.isEmpty() ? "(none)" : "(secret)";
  }
}
