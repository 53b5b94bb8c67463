package io.sockmapd.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * Key forms tried after the full key. Postfix probes these itself for {@code %s}-only SQL tables
 * but sends a socketmap only the full key, so a map moved behind sockmapd must probe them here to
 * keep its answers (virtual(5), "TABLE SEARCH ORDER").
 */
public enum FallbackKey {
  /** {@code user+ext@domain} → {@code user@domain}, using {@code recipient_delimiter}. */
  USER_AT_DOMAIN("user@domain"),
  /** {@code user+ext@domain} → {@code user+ext}, then {@code user}, the local part alone. */
  USER("user"),
  /** {@code user@domain} → {@code @domain}, the catch-all. */
  AT_DOMAIN("@domain");

  private final String configName;

  FallbackKey(String configName) {
    this.configName = configName;
  }

  /** The form as written in the config file. */
  public String configName() {
    return configName;
  }

  public static Optional<FallbackKey> fromConfigName(String name) {
    return Arrays.stream(values()).filter(f -> f.configName.equals(name)).findFirst();
  }
}
