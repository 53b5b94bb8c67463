package io.sockmapd.testing;

/** A fault that takes one database node away, switched on a {@link FaultProxy}. */
public enum NodeFault {
  /** Connections refused; open ones closed. */
  REFUSE,
  /** Connections reset. */
  RESET,
  /** Connections accepted, never answered; open ones go silent. */
  BLACKHOLE;

  public void applyTo(FaultProxy proxy) {
    switch (this) {
      case REFUSE -> proxy.refuse();
      case RESET -> proxy.reset();
      case BLACKHOLE -> proxy.blackhole();
    }
  }
}
