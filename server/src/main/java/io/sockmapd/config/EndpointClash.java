package io.sockmapd.config;

import java.util.Locale;
import java.util.Set;

/** Whether two endpoints of one config would compete for the same socket when bound. */
final class EndpointClash {
  /** Hosts that bind every address; on Linux's default dual stack "::" covers IPv4 too. */
  private static final Set<String> EVERY_ADDRESS = Set.of("", "0.0.0.0", "::");

  private EndpointClash() {}

  static boolean clash(Endpoint a, Endpoint b) {
    if (a instanceof Endpoint.Unix ua && b instanceof Endpoint.Unix ub) {
      return ua.path().normalize().equals(ub.path().normalize());
    }
    if (a instanceof Endpoint.Inet ia && b instanceof Endpoint.Inet ib) {
      // Port 0 asks the system for a free port each time: such listeners never clash.
      if (ia.port() == 0 || ia.port() != ib.port()) {
        return false;
      }
      String ha = ia.host().toLowerCase(Locale.ROOT);
      String hb = ib.host().toLowerCase(Locale.ROOT);
      return ha.equals(hb) || everyAddress(ha, hb) || everyAddress(hb, ha);
    }
    return false;
  }

  /**
   * {@code wildcard} binds every address of a family that {@code other} belongs to. A host name
   * other than localhost is not resolved here, so a clash through a name is left to bind time.
   */
  private static boolean everyAddress(String wildcard, String other) {
    if (!EVERY_ADDRESS.contains(wildcard)) {
      return false;
    }
    boolean otherIsV6 = other.indexOf(':') >= 0;
    return !wildcard.equals("0.0.0.0") || !otherIsV6;
  }
}
