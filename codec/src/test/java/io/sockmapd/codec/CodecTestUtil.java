package io.sockmapd.codec;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/** Helpers shared by the codec tests. */
final class CodecTestUtil {

  private CodecTestUtil() {}

  /** Encodes {@code s} as UTF-8. */
  static ByteBuf utf8(final String s) {
    return Unpooled.copiedBuffer(s, UTF_8);
  }

  /** Maps each char of {@code s} (which must be below U+0100) to one byte, for raw byte input. */
  static ByteBuf bytes(final String s) {
    return Unpooled.copiedBuffer(s, ISO_8859_1);
  }

  /** Returns the UTF-8 length of {@code s} in bytes. */
  static int utf8Length(final String s) {
    return s.getBytes(UTF_8).length;
  }

  /** Builds a netstring around {@code payload}, with its UTF-8 byte length. */
  static String netstring(final String payload) {
    return utf8Length(payload) + ":" + payload + ",";
  }

  /** Reads the bytes of {@code buf} as a Latin-1 string (one char per byte) and releases it. */
  static String releaseAsBytes(final ByteBuf buf) {
    try {
      return buf.toString(ISO_8859_1);
    } finally {
      buf.release();
    }
  }

  /** Reads {@code buf} as UTF-8 and releases it. */
  static String releaseAsUtf8(final ByteBuf buf) {
    try {
      return buf.toString(UTF_8);
    } finally {
      buf.release();
    }
  }

  /** Reads all inbound ByteBufs of {@code channel} as UTF-8 strings, releasing each. */
  static List<String> readInboundUtf8(final EmbeddedChannel channel) {
    final List<String> frames = new ArrayList<>();
    for (ByteBuf buf = channel.readInbound(); buf != null; buf = channel.readInbound()) {
      frames.add(releaseAsUtf8(buf));
    }
    return frames;
  }

  /** Reads all outbound ByteBufs of {@code channel} into one Latin-1 string, releasing each. */
  static String readOutboundBytes(final EmbeddedChannel channel) {
    final StringBuilder sb = new StringBuilder();
    for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
      sb.append(releaseAsBytes(buf));
    }
    return sb.toString();
  }

  /**
   * Reads the single outbound ByteBuf, asserts that it was allocated with its exact size, and
   * returns its bytes as a Latin-1 string.
   */
  static String readExactOutbound(final EmbeddedChannel channel) {
    final ByteBuf buf = channel.readOutbound();
    assertThat(buf).isNotNull();
    assertThat(buf.capacity()).as("allocated with the exact size").isEqualTo(buf.readableBytes());
    final Object next = channel.readOutbound();
    assertThat(next).isNull();
    return releaseAsBytes(buf);
  }

  /** Asserts that {@code channel} has no inbound message. */
  static void assertNoInbound(final EmbeddedChannel channel) {
    final Object msg = channel.readInbound();
    assertThat(msg).isNull();
  }

  /** Writes each byte of {@code input} separately. */
  static void writeByteByByte(final EmbeddedChannel channel, final ByteBuf input) {
    try {
      while (input.isReadable()) {
        channel.writeInbound(input.readRetainedSlice(1));
      }
    } finally {
      input.release();
    }
  }

  /** Reads all inbound messages of {@code channel}, in order. */
  static List<Object> readAllInbound(final EmbeddedChannel channel) {
    final List<Object> messages = new ArrayList<>();
    for (Object msg = channel.readInbound(); msg != null; msg = channel.readInbound()) {
      messages.add(msg);
    }
    return messages;
  }

  /**
   * Feeds {@code input} to a fresh channel from {@code channels} split in two at every position,
   * then byte by byte, and asserts each time that the messages, seen through {@code view}, are
   * {@code expected}, that the channel finishes clean, and that the decoder released every input
   * buffer: a retained or forgotten buffer fails here at once, not only in a leak report.
   *
   * @param input the wire bytes, one char per byte (Latin-1)
   */
  static <T> void assertDecodesAtEverySplit(
      final Supplier<EmbeddedChannel> channels,
      final String input,
      final Function<Object, T> view,
      final List<T> expected) {
    for (int split = 0; split <= input.length(); split++) {
      final List<ByteBuf> parts =
          List.of(bytes(input.substring(0, split)), bytes(input.substring(split)));
      assertThat(decodeAll(channels.get(), parts, view))
          .as("split at %d", split)
          .isEqualTo(expected);
      assertReleased(parts);
    }
    final List<ByteBuf> single = new ArrayList<>();
    for (int i = 0; i < input.length(); i++) {
      single.add(bytes(input.substring(i, i + 1)));
    }
    assertThat(decodeAll(channels.get(), single, view)).as("byte by byte").isEqualTo(expected);
    assertReleased(single);
  }

  private static <T> List<T> decodeAll(
      final EmbeddedChannel channel, final List<ByteBuf> parts, final Function<Object, T> view) {
    final List<T> got = new ArrayList<>();
    for (final ByteBuf part : parts) {
      channel.writeInbound(part);
      readAllInbound(channel).forEach(msg -> got.add(view.apply(msg)));
    }
    assertFalse(channel.finish());
    return got;
  }

  /** Asserts that every buffer in {@code buffers} has been released. */
  static void assertReleased(final List<ByteBuf> buffers) {
    for (final ByteBuf buf : buffers) {
      assertThat(buf.refCnt()).as("reference count of an input buffer").isZero();
    }
  }

  /** Returns the UTF-8 bytes of {@code s} as a Latin-1 string, to compare with wire output. */
  static String wire(final String s) {
    return new String(s.getBytes(UTF_8), ISO_8859_1);
  }
}
