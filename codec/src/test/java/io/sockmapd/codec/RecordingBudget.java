package io.sockmapd.codec;

import java.util.ArrayList;
import java.util.List;

/** A {@link FrameBudget} for tests: grants up to a limit and records every call. */
final class RecordingBudget implements FrameBudget {
  final List<String> calls = new ArrayList<>();
  final int limit;
  int held;

  RecordingBudget(final int limit) {
    this.limit = limit;
  }

  @Override
  public boolean tryReserve(final int bytes) {
    calls.add("reserve " + bytes);
    if (held + bytes > limit) {
      return false;
    }
    held += bytes;
    return true;
  }

  @Override
  public void release(final int bytes) {
    calls.add("release " + bytes);
    held -= bytes;
  }
}
