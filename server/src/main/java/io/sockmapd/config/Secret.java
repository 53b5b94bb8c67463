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

  /**
   * Equal when the values are: a reloaded configuration with the same password is the same
   * database. Compared in constant time, as secrets should be.
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof Secret secret
        && java.security.MessageDigest.isEqual(
            value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            secret.value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return value.length(); // enough for the few secrets in one config, and reveals nothing more
  }

  @Override
  public String toString() {
    return value.isEmpty() ? "(none)" : "(secret)";
  }
}
