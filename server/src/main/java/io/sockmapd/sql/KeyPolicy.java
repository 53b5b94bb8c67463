package io.sockmapd.sql;

import io.sockmapd.cache.KeyForms;
import io.sockmapd.config.FallbackKey;
import io.sockmapd.config.MapConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which key forms one lookup queries, in precedence order: case folding ({@link CaseFolding}), the
 * empty key, the {@code domain} filter and the opt-in fallback forms.
 *
 * <p>Fallback order is Postfix's own for {@code %s}-only tables (virtual(5) "TABLE SEARCH ORDER"
 * and "ADDRESS EXTENSION"): {@code user+ext@domain}, {@code user@domain}, {@code user+ext}, {@code
 * user}, {@code @domain}, whatever order {@code fallback_keys} lists them in. Postfix tries the
 * bare {@code user} forms only for its local domains; sockmapd does not know which domains are
 * local, so when the {@code user} form is enabled it is tried for every domain (restrict the map
 * with {@code domain}, which like Postfix never queries {@code user} or {@code @domain}).
 * Extensions are split as Postfix's {@code split_addr} does: at the first delimiter character, not
 * when the local part starts with it, and never for {@code postmaster}, {@code MAILER-DAEMON},
 * {@code double-bounce}, nor (when {@code -} is a delimiter) {@code owner-*} and {@code *-request}.
 */
public final class KeyPolicy implements KeyForms {
  private final CaseFolding folding;

  /** Folds the domains of the {@code domain} filter, which matches case-insensitively. */
  private final CaseFolding domainFolding;

  private final Set<String> domains;
  private final String delimiters;
  private final boolean userAtDomain;
  private final boolean user;
  private final boolean atDomain;

  KeyPolicy(
      CaseFolding folding,
      CaseFolding domainFolding,
      List<String> domains,
      String delimiters,
      List<FallbackKey> fallbackKeys) {
    this.folding = folding;
    this.domainFolding = domainFolding;
    Set<String> folded = new LinkedHashSet<>();
    domains.forEach(d -> folded.add(domainFolding.fold(d)));
    this.domains = Set.copyOf(folded);
    this.delimiters = delimiters;
    this.userAtDomain = fallbackKeys.contains(FallbackKey.USER_AT_DOMAIN);
    this.user = fallbackKeys.contains(FallbackKey.USER);
    this.atDomain = fallbackKeys.contains(FallbackKey.AT_DOMAIN);
  }

  public static KeyPolicy of(MapConfig map) {
    return new KeyPolicy(
        CaseFolding.of(map.foldCase(), map.smtputf8Enable()),
        CaseFolding.of(true, map.smtputf8Enable()),
        map.domain(),
        map.recipientDelimiter(),
        map.fallbackKeys());
  }

  @Override
  public String fold(String key) {
    return folding.fold(key);
  }

  /** The number of forms {@link #forms} may return at most. */
  int maxForms() {
    return 1 + (userAtDomain ? 1 : 0) + (user ? 2 : 0) + (atDomain ? 1 : 0);
  }

  /**
   * The keys to query for {@code key}, first match wins; empty when nothing is to be queried (empty
   * key, or the domain filter rejects every form).
   */
  @Override
  public List<String> forms(String key) {
    if (key.isEmpty()) {
      return List.of();
    }
    String folded = folding.fold(key);
    if (!userAtDomain && !user && !atDomain && domains.isEmpty()) {
      return List.of(folded); // the common map: the key itself, nothing to derive or filter
    }
    Set<String> forms = new LinkedHashSet<>();
    forms.add(folded);
    int at = folded.lastIndexOf('@');
    if (at > 0 && at < folded.length() - 1) {
      String local = folded.substring(0, at);
      String domain = folded.substring(at); // with the '@'
      String base = stripExtension(local);
      if (userAtDomain && base != null) {
        forms.add(base + domain);
      }
      if (user) {
        forms.add(local);
        if (base != null) {
          forms.add(base);
        }
      }
      if (atDomain) {
        forms.add(domain);
      }
    }
    if (domains.isEmpty()) {
      return List.copyOf(forms);
    }
    List<String> allowed = new ArrayList<>(forms.size());
    for (String form : forms) {
      if (inDomainList(form)) {
        allowed.add(form);
      }
    }
    return allowed;
  }

  /**
   * Postfix's domain filter: only {@code localpart@domain}, local part non-empty, domain listed.
   */
  private boolean inDomainList(String key) {
    int at = key.lastIndexOf('@');
    return at > 0 && domains.contains(domainFolding.fold(key.substring(at + 1)));
  }

  /** The local part without its extension; null when there is nothing to strip. */
  private @Nullable String stripExtension(String local) {
    if (delimiters.isEmpty()
        || local.equalsIgnoreCase("postmaster")
        || local.equalsIgnoreCase("MAILER-DAEMON")
        || local.equalsIgnoreCase("double-bounce")) {
      return null;
    }
    if (delimiters.indexOf('-') >= 0) {
      String lower = local.toLowerCase(Locale.ROOT);
      if (lower.startsWith("owner-") || (lower.length() > 8 && lower.endsWith("-request"))) {
        return null;
      }
    }
    for (int i = 0; i < local.length(); i++) {
      if (delimiters.indexOf(local.charAt(i)) >= 0) {
        return i == 0 ? null : local.substring(0, i);
      }
    }
    return null;
  }
}
