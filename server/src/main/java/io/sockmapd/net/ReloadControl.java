package io.sockmapd.net;

import java.util.concurrent.CompletionStage;

/**
 * Lets an administrator reload the configuration without a restart. The {@link
 * io.sockmapd.lookup.CacheControl} given to the server offers it when it also implements this
 * interface.
 */
public interface ReloadControl {

  /**
   * Reloads the configuration. Never blocks the calling thread (it may be an event loop).
   *
   * @return completes with a one-line summary of what changed, or exceptionally with the one-line
   *     reason the new configuration was refused (the old one keeps serving)
   */
  CompletionStage<String> reload();
}
