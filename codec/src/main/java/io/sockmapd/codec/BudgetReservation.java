package io.sockmapd.codec;

/**
 * What one decoder holds of a {@link FrameBudget} at a time, so that it is given back exactly once
 * however the frame ends: complete, failed, or with the decoder leaving the pipeline.
 */
final class BudgetReservation {

  private final FrameBudget budget;

  private int held;

  BudgetReservation(final FrameBudget budget) {
    this.budget = budget;
  }

  /** Reserves {@code bytes} more; returns {@code false}, holding no more, if the budget refuses. */
  boolean tryAdd(final int bytes) {
    if (bytes <= 0) {
      return true;
    }
    if (!budget.tryReserve(bytes)) {
      return false;
    }
    held += bytes;
    return true;
  }

  /** Reserves what is missing to hold {@code total}; {@code false} if the budget refuses. */
  boolean tryGrowTo(final int total) {
    return tryAdd(total - held);
  }

  /** Gives back everything held. */
  void releaseAll() {
    if (held > 0) {
      budget.release(held);
      held = 0;
    }
  }
}
