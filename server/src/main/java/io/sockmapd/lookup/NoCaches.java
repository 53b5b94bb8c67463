package io.sockmapd.lookup;

/** The {@link CacheControl} of a backend without caches: nothing to flush. */
public final class NoCaches implements CacheControl {
  public static final NoCaches INSTANCE = new NoCaches();

  private NoCaches() {}

  /** The backend's own cache control if it has one, else this. */
  public static CacheControl of(LookupBackend backend) {
    return backend instanceof CacheControl control ? control : INSTANCE;
  }

  @Override
  public boolean flush(String mapName) {
    return false;
  }

  @Override
  public void flushAll() {
    // nothing cached
  }
}
