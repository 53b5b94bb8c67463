package io.sockmapd.config.schema;

/** The keys of a {@code listen} entry written as an object. */
public final class ListenerKeys {
  public static final Section SECTION = new Section("listener");

  public static final TextKey ADDRESS =
      SECTION.text(
          "address",
          "endpoint (`inet:HOST:PORT`, `unix:PATH`)",
          "required",
          "where to listen, as a `listen` string gives it");
  public static final ListKey ALLOW =
      SECTION.list(
          "allow",
          "list of IPv4 and IPv6 networks (CIDR)",
          "the top-level `allow`",
          "the clients this inet listener accepts; others are closed at accept, counted and"
              + " logged. Required on an address other than loopback, unless the top-level `allow`"
              + " is given");

  public static final TextKey PROTOCOL =
      SECTION.text(
          "protocol",
          "`socketmap` \\| `tcp_table` \\| `policy`",
          "socketmap",
          "`socketmap`",
          "what the listener speaks: Postfix's and Sendmail's socketmap, Postfix's tcp_table"
              + " (`tcp:HOST:PORT` tables), which carries no map name and so serves one `map`, or"
              + " Postfix's SMTPD policy delegation (`check_policy_service`), answered by one"
              + " `policy`");
  public static final TextKey MAP =
      SECTION.text(
          "map",
          "map name",
          "required for `tcp_table`",
          "the configured map a `tcp_table` listener answers from; not for `socketmap`, whose"
              + " requests name their map");

  public static final TextKey POLICY =
      SECTION.text(
          "policy",
          "policy name",
          "required for `policy`",
          "the configured policy a `policy` listener answers from; only for `policy`");

  private ListenerKeys() {}
}
