package io.sockmapd.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys {@code verify --sample} asks for one map: values sampled from its tables' key columns,
 * each followed by the forms Postfix derives from it or that a client may send, then one key that
 * exists nowhere. The order depends only on the values (sorted here, not in the database's
 * collation), so two runs over the same data ask the same keys in the same order.
 */
final class SampledKeys {
  /** An address no table holds: {@code .invalid} is reserved (RFC 2606), so no domain matches. */
  static final String NOWHERE_ADDRESS = "sockmapd-verify-nowhere@nowhere.invalid";

  static final String NOWHERE_DOMAIN = "nowhere.invalid";

  /** The extension put on sampled addresses. */
  static final String EXTENSION = "ext";

  private final Set<String> whole = new TreeSet<>();
  private final Set<String> localParts = new TreeSet<>();
  private final Set<String> domains = new TreeSet<>();
  private final String delimiter;
  private final int limit;

  /**
   * @param recipientDelimiter main.cf's; its first character starts the extension of the {@code
   *     user+ext@domain} form ({@code +} when main.cf sets none, which Postfix then looks up as an
   *     address of its own)
   * @param limit the sample size, also the cap on addresses composed from local parts and domains
   */
  SampledKeys(String recipientDelimiter, int limit) {
    this.delimiter = recipientDelimiter.isEmpty() ? "+" : recipientDelimiter.substring(0, 1);
    this.limit = limit;
  }

  /**
   * Adds values of a column compared to {@code %s} (the whole key), {@code %u} (the local part) or
   * {@code %d} (the domain).
   */
  void add(char part, List<String> values) {
    switch (part) {
      case 'u' -> localParts.addAll(values);
      case 'd' -> domains.addAll(values);
      default -> whole.addAll(values);
    }
  }

  /** The keys to ask, each once, in a fixed order. */
  List<String> keys() {
    Set<String> base = new TreeSet<>(whole);
    base.addAll(domains);
    base.addAll(composed());
    Set<String> keys = new LinkedHashSet<>();
    boolean addresses = false;
    for (String key : base) {
      keys.add(key);
      int at = key.lastIndexOf('@');
      if (at >= 0) {
        addresses = true;
        String domain = key.substring(at + 1);
        if (at > 0) {
          keys.add(key.substring(0, at) + delimiter + EXTENSION + "@" + domain);
          keys.add("@" + domain);
        }
        keys.add(domain);
      }
      keys.add(key.toUpperCase(Locale.ROOT));
    }
    keys.remove("");
    keys.add(addresses || base.isEmpty() ? NOWHERE_ADDRESS : NOWHERE_DOMAIN);
    return List.copyOf(keys);
  }

  /**
   * Addresses for tables that match the parts of an address separately (PostfixAdmin's alias
   * domains: {@code alias_domain = '%d'}): every sampled domain with every local part known, from
   * {@code %u} columns and from sampled addresses, up to the sample size.
   */
  private List<String> composed() {
    Set<String> locals = new TreeSet<>(localParts);
    Set<String> knownDomains = new TreeSet<>(domains);
    for (String address : whole) {
      int at = address.lastIndexOf('@');
      if (at > 0) {
        locals.add(address.substring(0, at));
        if (!localParts.isEmpty()) {
          knownDomains.add(address.substring(at + 1));
        }
      }
    }
    List<String> result = new ArrayList<>();
    if (domains.isEmpty() && localParts.isEmpty()) {
      return result;
    }
    for (String domain : knownDomains) {
      for (String local : locals) {
        if (result.size() == limit) {
          return result;
        }
        result.add(local + "@" + domain);
      }
    }
    return result;
  }

  /** True when no value was sampled. */
  boolean isEmpty() {
    return whole.isEmpty() && localParts.isEmpty() && domains.isEmpty();
  }
}
