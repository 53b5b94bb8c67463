package io.sockmapd.codec;

/**
 * Memory that a decoder asks for before it holds bytes across reads, so that a server can bound
 * what all its clients' half-sent requests hold together, and refuse before the memory is committed
 * rather than after. {@link NetstringFrameDecoder} reserves a frame's declared length as soon as
 * the length prefix has been read; the line-based decoders ({@link TcpTableRequestDecoder}, {@link
 * PolicyRequestDecoder}) reserve the bytes of an unfinished line, and the policy decoder also those
 * of the attributes of an unfinished request.
 *
 * <p>Called on the channel's event loop only; an implementation shared by many channels must be
 * thread-safe itself.
 */
public interface FrameBudget {

  /** A budget that grants everything: for clients and for servers without a global limit. */
  FrameBudget UNLIMITED =
      new FrameBudget() {
        @Override
        public boolean tryReserve(final int bytes) {
          return true;
        }

        @Override
        public void release(final int bytes) {}
      };

  /**
   * Reserves memory for a payload about to be buffered.
   *
   * @param bytes the payload length declared by the client, or the bytes about to be held
   * @return {@code false} if the budget refuses; the decoder then fails the frame with a {@link
   *     NetstringOverBudgetException} or {@link LineOverBudgetException}
   */
  boolean tryReserve(int bytes);

  /**
   * Gives back what an earlier successful {@link #tryReserve(int)} took: called when the frame is
   * complete, when it fails, and when the decoder leaves the pipeline with a frame half-read.
   *
   * @param bytes the amount reserved earlier
   */
  void release(int bytes);
}
