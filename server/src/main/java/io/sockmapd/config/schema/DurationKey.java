package io.sockmapd.config.schema;

import io.sockmapd.config.Durations;
import java.time.Duration;

/**
 * A key taking a duration (seconds as a number, or a string with a unit) from {@code min} to {@code
 * max}. Every duration has an upper bound: the daemon hands durations to timers and drivers that
 * hold int milliseconds or long nanoseconds, and a value past that must fail {@code check}, not the
 * running daemon.
 *
 * @param defaultValue the value when the key is absent
 * @param defaultText the default as documented; empty to show {@code defaultValue}
 */
public record DurationKey(
    String name, Duration defaultValue, Duration min, Duration max, String defaultText, String doc)
    implements Key {

  @Override
  public String type() {
    return "duration, " + Durations.format(min) + " to " + Durations.format(max);
  }

  @Override
  public String defaultText() {
    return defaultText.isEmpty() ? "`" + Durations.format(defaultValue) + "`" : defaultText;
  }
}
