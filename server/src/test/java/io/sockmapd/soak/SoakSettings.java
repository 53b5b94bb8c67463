package io.sockmapd.soak;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * How long the soak runs and which hostile clients take part. Defaults suit CI (the whole test in
 * about a minute and a half); a manual run can go longer: {@code -Dsockmapd.soak.seconds=300} or
 * {@code SOCKMAPD_SOAK_SECONDS=300}. {@code -Dsockmapd.soak.clients=non-reader,huge-result} runs
 * only those kinds (beside the well-behaved clients), to see which one hurts.
 */
record SoakSettings(Duration duration, @Nullable Set<String> kinds) {
  static final Duration DEFAULT_DURATION = Duration.ofSeconds(45);

  static SoakSettings fromEnvironment() {
    String seconds = setting("sockmapd.soak.seconds", "SOCKMAPD_SOAK_SECONDS");
    String clients = setting("sockmapd.soak.clients", "SOCKMAPD_SOAK_CLIENTS");
    return new SoakSettings(
        seconds == null ? DEFAULT_DURATION : Duration.ofSeconds(Long.parseLong(seconds.trim())),
        clients == null
            ? null
            : Arrays.stream(clients.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet()));
  }

  /** Whether hostile clients of {@code kind} take part. */
  boolean includes(String kind) {
    return kinds == null || kinds.contains(kind);
  }

  private static @Nullable String setting(String property, String variable) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(variable);
    }
    return value == null || value.isBlank() ? null : value;
  }
}
