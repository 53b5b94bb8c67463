package io.sockmapd.config.importer;

import io.sockmapd.config.FallbackKey;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which key forms Postfix itself tries in the tables of one main.cf parameter, and so which {@code
 * fallback_keys} the map replacing them must try: a socketmap receives only the full key, while
 * Postfix asks an SQL table for the partial forms too (mta-protocols §1.9: every SQL table is
 * "fixed").
 *
 * <ul>
 *   <li>{@link #ADDRESS}: {@code mail_addr_find()} callers (virtual(5), canonical(5), relocated(5),
 *       ...): the address, the address without its extension, {@code @domain}. The bare {@code
 *       user} forms apply to local domains only, which sockmapd can't tell apart, so they are left
 *       to the reader.
 *   <li>{@link #DOMAIN}: domain lists ({@code virtual_mailbox_domains}, {@code relay_domains},
 *       ...): a domain name is the key; nothing is derived from it.
 *   <li>{@link #OWN_ORDER}: tables that search forms fallback keys can't express: access(5)
 *       (address, domain, parent domains, {@code localpart@}) and transport(5) (domain, parent
 *       domains): the full key alone, with a warning.
 *   <li>{@link #UNKNOWN}: parameters this table does not know: the full key alone, with a warning.
 * </ul>
 */
enum ParameterSemantics {
  ADDRESS,
  DOMAIN,
  OWN_ORDER,
  UNKNOWN;

  private static final Set<String> ADDRESS_PARAMETERS =
      Set.of(
          "virtual_alias_maps",
          "virtual_mailbox_maps",
          "virtual_uid_maps",
          "virtual_gid_maps",
          "canonical_maps",
          "sender_canonical_maps",
          "recipient_canonical_maps",
          "relocated_maps",
          "smtpd_sender_login_maps",
          "relay_recipient_maps",
          "recipient_bcc_maps",
          "sender_bcc_maps",
          "sender_dependent_relayhost_maps",
          "sender_dependent_default_transport_maps");

  private static final Set<String> DOMAIN_PARAMETERS =
      Set.of(
          "virtual_mailbox_domains",
          "virtual_alias_domains",
          "relay_domains",
          "mydestination",
          "permit_mx_backup_networks");

  private static final Set<String> OWN_ORDER_PARAMETERS =
      Set.of("transport_maps", "address_verify_transport_maps", "smtpd_command_filter");

  /**
   * Lookups Postfix treats as security-sensitive: local(8) and virtual(8) refuse a socketmap there
   * ("map is not allowed for security-sensitive data") and defer the mail.
   */
  private static final Set<String> REFUSES_SOCKETMAP =
      Set.of(
          "alias_maps",
          "mailbox_command_maps",
          "virtual_mailbox_maps",
          "virtual_uid_maps",
          "virtual_gid_maps");

  /** True when Postfix's delivery agents refuse a socketmap for this parameter. */
  static boolean refusesSocketmap(String parameter) {
    return REFUSES_SOCKETMAP.contains(parameter);
  }

  /**
   * The semantics of a parameter as main.cf (or a master.cf {@code -o}) names it. Table references
   * inside restriction lists ({@code check_recipient_access pgsql:...}) are access maps.
   */
  static ParameterSemantics of(String parameter) {
    if (ADDRESS_PARAMETERS.contains(parameter)) {
      return ADDRESS;
    }
    if (DOMAIN_PARAMETERS.contains(parameter)) {
      return DOMAIN;
    }
    if (OWN_ORDER_PARAMETERS.contains(parameter) || parameter.endsWith("_restrictions")) {
      return OWN_ORDER;
    }
    return UNKNOWN;
  }

  /**
   * The fallback keys a map for this parameter needs, given main.cf's {@code recipient_delimiter}
   * (empty: no extensions, so no {@code user@domain} form).
   */
  List<FallbackKey> fallbackKeys(String recipientDelimiter) {
    if (this != ADDRESS) {
      return List.of();
    }
    return recipientDelimiter.isEmpty()
        ? List.of(FallbackKey.AT_DOMAIN)
        : List.of(FallbackKey.USER_AT_DOMAIN, FallbackKey.AT_DOMAIN);
  }

  /** What the importer says about a map of this parameter, or null when there is nothing to say. */
  @Nullable String advice(String parameter) {
    return switch (this) {
      case ADDRESS ->
          parameter
              + ": Postfix also tries the bare local part (user+ext, user) for addresses in its"
              + " local domains (mydestination); sockmapd does not, so such keys keep the full"
              + " address and @domain answers only";
      case DOMAIN -> null;
      case OWN_ORDER ->
          parameter
              + ": Postfix searches these tables with its own partial keys (domain, parent"
              + " domains, localpart@ for access(5) and transport(5)); a socketmap gets the full"
              + " key only, so rows keyed by those partial forms no longer match: add them as"
              + " full keys or keep this table in Postfix";
      case UNKNOWN ->
          parameter
              + ": not in the importer's table of Postfix parameters: the map answers the full"
              + " key only; check which partial keys Postfix tries for it";
    };
  }
}
