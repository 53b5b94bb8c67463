package io.sockmapd.cache;

import java.util.List;

/**
 * How a map turns the key a client asks into the keys it looks up (case folding, fallback forms),
 * so that a changed table row can be traced back to the cached answers it fed: the cache holds keys
 * as clients sent them.
 */
public interface KeyForms {
  /** The keys looked up for {@code clientKey}, the folded key itself among them. */
  List<String> forms(String clientKey);

  /** {@code key} folded as the map folds the keys it looks up. */
  String fold(String key);
}
