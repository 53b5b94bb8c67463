package io.sockmapd.codec;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One SMTPD policy delegation request: the attributes Postfix sent ({@code
 * request=smtpd_access_policy}, {@code protocol_state}, {@code client_address}, {@code sender},
 * {@code recipient}, ...), in wire order, with the first value of each name.
 *
 * <p>The decoder keeps every attribute, known or not, and checks none of their meanings (not even
 * {@code request}): that is the server's job, and Postfix's documentation tells servers to ignore
 * attributes they do not know. Values are as Postfix sent them: empty for a missing value, {@code
 * ccert_*} still xtext-encoded.
 *
 * <p>Immutable; holds no buffers.
 */
public final class PolicyRequest {

  private final Map<String, String> attributes;

  private final Set<String> invalidUtf8;

  private PolicyRequest(final Map<String, String> attributes, final Set<String> invalidUtf8) {
    this.attributes = Collections.unmodifiableMap(attributes);
    this.invalidUtf8 = Collections.unmodifiableSet(invalidUtf8);
  }

  /** A request from {@link AttributeListDecoder}, which has checked the names and values. */
  static PolicyRequest decoded(final Map<String, String> attributes, final Set<String> invalid) {
    return new PolicyRequest(attributes, invalid);
  }

  /**
   * Creates a request to send, for tests and tools.
   *
   * @param attributes the attributes in the order to send them
   * @return the request
   * @throws IllegalArgumentException if a name is empty or contains {@code =}, or a name or value
   *     contains a newline or NUL, which the protocol cannot carry
   */
  public static PolicyRequest of(final Map<String, String> attributes) {
    final Map<String, String> copy = new LinkedHashMap<>();
    attributes.forEach(
        (name, value) -> {
          requireNonNull(name, "name");
          requireNonNull(value, "value");
          if (name.isEmpty() || name.indexOf('=') >= 0) {
            throw new IllegalArgumentException("bad attribute name: \"" + name + '"');
          }
          if (hasLineBreakOrNul(name) || hasLineBreakOrNul(value)) {
            throw new IllegalArgumentException(
                "attribute "
                    + name
                    + " contains a newline or NUL, which the protocol cannot carry");
          }
          copy.put(name, value);
        });
    return new PolicyRequest(copy, Set.of());
  }

  private static boolean hasLineBreakOrNul(final String s) {
    return s.indexOf('\n') >= 0 || s.indexOf('\0') >= 0;
  }

  /**
   * Returns the attributes in wire order.
   *
   * @return an unmodifiable map from name to the first value sent under that name
   */
  public Map<String, String> attributes() {
    return attributes;
  }

  /**
   * Returns the value of one attribute.
   *
   * @param name the attribute name, e.g. {@code "recipient"}
   * @return the value, or {@code null} if the request has no such attribute
   */
  public String attribute(final String name) {
    return attributes.get(name);
  }

  /**
   * Tells whether an attribute's value was valid UTF-8 on the wire. If not, its value holds U+FFFD
   * where the bytes were invalid and should not be looked up.
   *
   * @param name the attribute name
   * @return {@code false} only for an attribute whose value was not valid UTF-8
   */
  public boolean isValueValidUtf8(final String name) {
    return !invalidUtf8.contains(name);
  }

  @Override
  public boolean equals(final Object o) {
    return o instanceof PolicyRequest other
        && attributes.equals(other.attributes)
        && invalidUtf8.equals(other.invalidUtf8);
  }

  @Override
  public int hashCode() {
    return attributes.hashCode();
  }

  @Override
  public String toString() {
    return "PolicyRequest"
        + attributes
        + (invalidUtf8.isEmpty() ? "" : ", invalid UTF-8 in " + invalidUtf8);
  }
}
