package io.sockmapd.config.schema;

/**
 * A key taking a whole number from {@code min} to {@code max}.
 *
 * @param defaultValue the value when the key is absent (unused when the loader computes one)
 * @param defaultText the default as documented, e.g. {@code 4} or words for a computed default
 */
public record WholeNumberKey(
    String name, int defaultValue, int min, int max, String defaultText, String doc)
    implements Key {

  @Override
  public String type() {
    return "whole number, " + min + " to " + max;
  }
}
